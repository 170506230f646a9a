"""Stand-ins for the systems the bot talks to (the cabinet, the identity provider).

Nothing here imports the bot: a sandbox speaks only HTTP, like the system it stands for.
"""
