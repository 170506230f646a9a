"""Conversations built with aiogram-dialog: one module per flow, states in `states.py`.

Nothing is imported here: `bot/handlers` takes the dialogs it mounts from their modules, and
the wiring takes the document renderers from the few flows that define them
(`bot/factory/renderers.py`), so importing one flow does not load all of them.
"""
