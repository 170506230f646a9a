"""What dialogs need of the process and of the update, typed: `deps(manager).session`,
`.cabinet`, `.profile`… — one accessor instead of string keys into aiogram-dialog's
middleware data, so a misspelt or missing dependency is a type error, not a KeyError in a
callback, and every dependency a dialog may use is listed here once.

The values are the dispatcher's (set when it is built and started) and the middlewares'
(per update: the session, the profile, the i18n context).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from aiogram_dialog import DialogManager
from aiogram_dialog.api.entities import EVENT_CONTEXT_KEY, EventContext

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.fsm.context import FSMContext
    from aiogram.types import Chat
    from aiogram_i18n import I18nContext
    from redis.asyncio import Redis
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.broadcast_board import ProgressBoard
    from bot.config import Settings
    from cabinet import CabinetClient
    from documents import DocumentLinks, Renderers
    from linking.flow import LinkFlow
    from storage.profiles import Profile, ProfileStore


class Deps:
    """A typed view of one update's middleware data."""

    __slots__ = ("_data",)

    def __init__(self, data: MutableMapping[str, Any]) -> None:
        self._data = data

    # ------------------------------------------------------------------------- the process

    @property
    def bot(self) -> Bot:
        return self._data["bot"]  # type: ignore[no-any-return]

    @property
    def staff_bot(self) -> Bot:
        """The bot that posts to the staff chat (in SUPPORT_CHAT_MESSENGER), whichever
        messenger this update came from."""
        return self._data.get("staff_bot") or self.bot

    @property
    def settings(self) -> Settings:
        return self._data["settings"]  # type: ignore[no-any-return]

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        return self._data["session_factory"]  # type: ignore[no-any-return]

    @property
    def redis(self) -> Redis:
        return self._data["redis"]  # type: ignore[no-any-return]

    @property
    def cabinet(self) -> CabinetClient:
        return self._data["cabinet"]  # type: ignore[no-any-return]

    @property
    def link_flow(self) -> LinkFlow:
        return self._data["link_flow"]  # type: ignore[no-any-return]

    @property
    def profiles(self) -> ProfileStore:
        return self._data["profiles"]  # type: ignore[no-any-return]

    @property
    def document_links(self) -> DocumentLinks:
        return self._data["document_links"]  # type: ignore[no-any-return]

    @property
    def renderers(self) -> Renderers:
        return self._data["renderers"]  # type: ignore[no-any-return]

    @property
    def broadcast_board(self) -> ProgressBoard:
        return self._data["broadcast_board"]  # type: ignore[no-any-return]

    # ------------------------------------------------------------------------- the update

    @property
    def session(self) -> AsyncSession:
        return self._data["session"]  # type: ignore[no-any-return]

    @property
    def i18n(self) -> I18nContext:
        return self._data["i18n"]  # type: ignore[no-any-return]

    @property
    def state(self) -> FSMContext:
        return self._data["state"]  # type: ignore[no-any-return]

    @property
    def event_chat(self) -> Chat:
        return self._data["event_chat"]  # type: ignore[no-any-return]

    @property
    def event_context(self) -> EventContext:
        return self._data[EVENT_CONTEXT_KEY]  # type: ignore[no-any-return]

    @property
    def profile(self) -> Profile:
        return self._data["profile"]  # type: ignore[no-any-return]

    @profile.setter
    def profile(self, profile: Profile) -> None:
        """After a change of the person's row (consent, link, settings): what the rest of
        this update reads."""
        self._data["profile"] = profile

    @property
    def profile_or_none(self) -> Profile | None:
        """None before the person's row exists (their first update)."""
        return self._data.get("profile")

    @property
    def cabinet_or_none(self) -> CabinetClient | None:
        return self._data.get("cabinet")


def deps(manager: DialogManager) -> Deps:
    return Deps(manager.middleware_data)
