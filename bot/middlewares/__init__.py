"""Outer middlewares on every update, in the order `bot.app` registers them."""
