"""Max (VK's messenger) under the bot's one conversation runtime: Max updates become the aiogram
updates the dispatcher handles, and a session answers aiogram's Bot API calls through Max.
See docs/channels.md."""
