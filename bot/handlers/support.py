"""«Ответить» under support's answer to a question: write more to it."""

from __future__ import annotations

from aiogram import Router

from bot.flows.support_questions import SupportReply, on_answer_reply


def build_router() -> Router:
    router = Router(name="support")
    router.callback_query.register(on_answer_reply, SupportReply.filter())
    return router
