"""Outer middlewares on every update, in the order `bot.factory.telegram` registers them."""
