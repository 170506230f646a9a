"""A run of the cabinet's typed questions (`ProductQuestion`), one screen each: buying a policy
asks a product's, changing a policy asks a change's.

The questions come from the cabinet's description and are read by `claim_form`, as a claim's
fields are: the same words refuse the same bad input, and the step repeats with nothing
already answered lost. Each answer is kept in the dialog's data under the questionnaire's own
name, so two questionnaires of one dialog never mix their answers; «Назад» goes to the
previous question (from the first: wherever the flow says), and after the last the flow goes
on with the answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import F
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button

from bot.flows.certificates_calendar import refuse_day, today_of
from bot.flows.claim_form import Invalid, Period, hint_of, option_of, parse, shown, title_of
from bot.flows.field_widgets import Answers, answer_widgets
from bot.flows.screen import Screen
from bot.flows.widgets import T, i18n_of, say
from cabinet.models import FieldKind, FieldValue, ProductQuestion

Step = Callable[[DialogManager], Awaitable[None]]


def period_of(question: ProductQuestion, today: dt.date) -> Period:
    """The dates a question's answer may fall on, as `claim_form` checks them."""
    first = question.min_date or dt.date.min
    last = question.max_date or dt.date.max
    return Period(first, last, today=max(today, last), outside="buy-date-outside")


@dataclass(frozen=True)
class Questionnaire:
    """The questions `questions` gives, asked on the `state` screen."""

    name: str
    state: State
    questions: Callable[[DialogManager], Awaitable[Sequence[ProductQuestion]]]
    #: After the last question, and «Назад» from the first.
    after_last: Step
    before_first: Step
    #: Steps the flow counts after the questions (a start date): «Шаг 2 из N».
    extra_steps: int = 0

    # ------------------------------------------------------------------------- the answers

    def answers(self, manager: DialogManager) -> dict[str, FieldValue]:
        answers: dict[str, FieldValue] = manager.dialog_data.setdefault(f"{self.name}:answers", {})
        return answers

    def forget(self, manager: DialogManager) -> None:
        manager.dialog_data[f"{self.name}:answers"] = {}
        manager.dialog_data[f"{self.name}:index"] = 0

    async def go(self, manager: DialogManager, index: int) -> None:
        """To question `index`; past the last, on with the flow."""
        questions = await self.questions(manager)
        if index >= len(questions):
            await self.after_last(manager)
            return
        manager.dialog_data[f"{self.name}:index"] = max(index, 0)
        await manager.switch_to(self.state)

    async def last(self, manager: DialogManager) -> None:
        await self.go(manager, len(await self.questions(manager)) - 1)

    async def _current(self, manager: DialogManager) -> tuple[int, ProductQuestion, int]:
        questions = await self.questions(manager)
        index = min(int(manager.dialog_data.get(f"{self.name}:index", 0)), len(questions) - 1)
        return index, questions[index], len(questions)

    async def _answer(self, manager: DialogManager, value: FieldValue | None) -> None:
        index, question, _count = await self._current(manager)
        if value is None:
            self.answers(manager).pop(question.id, None)
        else:
            self.answers(manager)[question.id] = value
        await self.go(manager, index + 1)

    # ------------------------------------------------------------------------- the screen

    async def getter(self, dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
        index, question, count = await self._current(dialog_manager)
        i18n = i18n_of(dialog_manager)
        value = self.answers(dialog_manager).get(question.id)
        current = ""
        if value is not None:
            key, variables = shown(question, value, i18n.locale)
            current = i18n.get(key, **variables)
        return {
            "step": index + 1,
            "steps": count + self.extra_steps,
            "title": title_of(question, i18n.locale),
            "hint": hint_of(question, i18n.locale),
            "current": current,
            "kind": question.kind.value,
            "optional": not question.required,
            "max_length": question.max_length,
            "options": [(o.id, title_of(o, i18n.locale)) for o in question.options],
        }

    async def on_typed(self, message: Message, _: MessageInput, manager: DialogManager) -> None:
        _index, question, _count = await self._current(manager)
        period = period_of(question, today_of(manager))
        try:
            value = parse(question, message.text or "", period, i18n_of(manager).locale)
        except Invalid as invalid:
            await refuse_day(message, manager, invalid.key, **invalid.variables)
            return
        await self._answer(manager, value)

    async def on_not_text(self, _: Message, __: MessageInput, manager: DialogManager) -> None:
        await say(manager, "filing-not-an-answer")

    async def on_option(
        self, _: CallbackQuery, __: Any, manager: DialogManager, option_id: str
    ) -> None:
        _index, question, _count = await self._current(manager)
        if question.kind is FieldKind.CHOICE and option_of(question, option_id) is not None:
            await self._answer(manager, option_id)

    async def on_yes_no(self, _: CallbackQuery, button: Button, manager: DialogManager) -> None:
        _index, question, _count = await self._current(manager)
        if question.kind is FieldKind.YES_NO:
            await self._answer(manager, button.widget_id == "yes")

    async def on_skip(self, _: CallbackQuery, __: Button, manager: DialogManager) -> None:
        _index, question, _count = await self._current(manager)
        if not question.required:
            await self._answer(manager, None)

    async def on_keep(self, _: CallbackQuery, __: Button, manager: DialogManager) -> None:
        index, _question, _count = await self._current(manager)
        await self.go(manager, index + 1)

    async def on_back(self, _: CallbackQuery, __: Button, manager: DialogManager) -> None:
        index, _question, _count = await self._current(manager)
        if index == 0:
            await self.before_first(manager)
        else:
            await self.go(manager, index - 1)

    def window(self) -> Screen:
        answers = Answers(self.on_option, self.on_yes_no, self.on_skip, self.on_keep, self.on_typed)
        return Screen(
            T("filing-field"),
            T("filing-field-hint", when="hint"),
            T("filing-field-current", when="current"),
            T("buy-type-date", when=F["kind"] == FieldKind.DATE.value),
            T("filing-field-type-amount", when=F["kind"] == FieldKind.AMOUNT.value),
            T("filing-field-type-text", when=F["kind"] == FieldKind.TEXT.value),
            *answer_widgets(answers),
            MessageInput(self.on_not_text),
            Button(T("button-back"), id="back", on_click=self.on_back),
            state=self.state,
            getter=self.getter,
        )
