"""Delivery: the cabinet's events become alerts, staff broadcasts and support answers reach
their chats — every one an outbox row per recipient, sent by workers through its messenger's
delivery port (`notify.ports`) and one Redis rate limiter per messenger shared by every
process (see ../shared/DESIGN.md, "Delivery engine").

It imports nothing of `bot` (ruff TID251): a worker is given its connections, the document
renderers and the translations by the wiring (`bot/factory/worker.py`), and documents are the
shared `documents` package's.
"""
