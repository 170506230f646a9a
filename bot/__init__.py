"""cabinet-bot: the Telegram front end of an insurer's personal cabinet."""
