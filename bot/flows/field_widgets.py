"""The ways to answer one typed question (`cabinet.models.ClaimField`), as a screen's widgets:
a choice's options, yes/no, «Пропустить» for an optional one, «Оставить» for one answered
before, and a typed answer. Filing a claim and buying a policy ask their questions with them;
what each answer means is `bot/flows/claim_form.py`'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.input.base import MessageHandlerFunc
from aiogram_dialog.widgets.kbd import Button, Column, Row
from aiogram_dialog.widgets.kbd.button import OnClick
from aiogram_dialog.widgets.kbd.select import OnItemClick

from bot.flows.widgets import T, choices
from cabinet.models import FieldKind


@dataclass(frozen=True)
class Answers:
    """What a question's screen does with each kind of answer."""

    on_option: OnItemClick[Any, str]
    on_yes_no: OnClick
    on_skip: OnClick
    on_keep: OnClick
    on_typed: MessageHandlerFunc


def answer_widgets(answers: Answers) -> tuple[Any, ...]:
    """The widgets, shown as the getter's `kind`, `optional` and `current` say."""
    return (
        Column(choices("option", "options", answers.on_option), when=F["kind"] == "choice"),
        Row(
            Button(T("filing-yes"), id="yes", on_click=answers.on_yes_no),
            Button(T("filing-no"), id="no", on_click=answers.on_yes_no),
            when=F["kind"] == FieldKind.YES_NO.value,
        ),
        Button(T("filing-skip"), id="skip", on_click=answers.on_skip, when="optional"),
        Button(T("filing-keep"), id="keep", on_click=answers.on_keep, when="current"),
        MessageInput(answers.on_typed, content_types=(ContentType.TEXT,)),
    )
