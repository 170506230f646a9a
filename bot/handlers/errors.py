"""Unhandled errors: a translated apology with an incident id, and the trace in the log.

A button from a dialog this process no longer knows (e.g. after a restart) is not an
error for the user: they are brought back home. The cabinet being unavailable, or not having
what was asked for, is not an incident either: the user gets a message that says so.
"""

from __future__ import annotations

import secrets

import structlog
from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, User
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState
from aiogram_i18n import I18nContext, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import Settings
from bot.flows.access import NotLinked, Refused
from bot.flows.home import open_home
from bot.flows.screen import MENU, RETRY, go_buttons
from bot.i18n import locale_for
from bot.private_reply import private_chat_id, reply_in_private
from cabinet import CabinetNotFound, CabinetRejected, CabinetUnavailable
from linking.consent import has_current_consent
from storage.profiles import Profile
from storage.repositories import UserRepository

log = structlog.get_logger(__name__)


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(
        stale_dialog, ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState)
    )
    router.errors.register(refused, ExceptionTypeFilter(Refused, NotLinked))
    router.errors.register(blocked, ExceptionTypeFilter(TelegramForbiddenError))
    router.errors.register(
        cabinet_failed,
        ExceptionTypeFilter(CabinetUnavailable, CabinetNotFound, CabinetRejected),
    )
    router.errors.register(unexpected)
    return router


async def blocked(event: ErrorEvent, session_factory: async_sessionmaker[AsyncSession]) -> None:
    """Telegram refused a send (403): nothing to apologise for, and no way to. A private chat
    is remembered as blocked; a group member whose group removed the bot is not."""
    log.info("chat_blocked_the_bot", update_type=event.update.event_type)
    chat_id = private_chat_id(event.update)
    if chat_id is None:
        return
    async with session_factory() as session:
        await UserRepository(session).set_active(chat_id, active=False)
        await session.commit()


_CABINET_MESSAGES = (
    (CabinetUnavailable, "cabinet-unavailable"),
    (CabinetNotFound, "cabinet-not-found"),
    (CabinetRejected, "cabinet-rejected"),
)


async def cabinet_failed(event: ErrorEvent, *, bot: Bot, i18n: I18nContext) -> None:
    """A flow did not handle a cabinet failure itself: say what happened in plain words —
    reading (nothing of the person's was lost) or sending — with «Повторить» and «Меню»."""
    exc = event.exception
    log.info("cabinet_call_not_handled", error=type(exc).__name__, code=getattr(exc, "code", None))
    key = next(key for kind, key in _CABINET_MESSAGES if isinstance(exc, kind))
    if isinstance(exc, CabinetUnavailable) and exc.reading:
        key = "cabinet-unavailable-reading"
    await reply_in_private(event.update, bot, i18n.get(key), go_buttons(i18n, RETRY, MENU))


async def refused(
    event: ErrorEvent, *, dialog_manager: DialogManager, i18n: I18nContext, bot: Bot
) -> None:
    """Someone else's object (audited by `owned()`), or a linked-only screen after logging
    out: say so and go home, as for any stale button."""
    key = "section-refused" if isinstance(event.exception, Refused) else "link-needed"
    await reply_in_private(event.update, bot, i18n.get(key))
    await open_home(dialog_manager, show_mode=ShowMode.SEND)


async def stale_dialog(
    event: ErrorEvent,
    *,
    dialog_manager: DialogManager,
    i18n: I18nContext,
    bot: Bot,
    i18n_middleware: I18nMiddleware,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    profile: Profile | None = None,
) -> None:
    log.info("stale_dialog_button", error=type(event.exception).__name__)
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(i18n.get("stale-button"))
        await open_home(
            dialog_manager, show_mode=ShowMode.SEND, consented=has_current_consent(profile)
        )
    except TelegramForbiddenError as exc:  # an old button of someone who blocked the bot since
        await blocked(ErrorEvent(update=event.update, exception=exc), session_factory)
    except Exception as exc:  # noqa: BLE001 - going home failed: that is an incident
        await unexpected(
            ErrorEvent(update=event.update, exception=exc),
            bot=bot,
            i18n_middleware=i18n_middleware,
            settings=settings,
            i18n=i18n,
        )


async def unexpected(
    event: ErrorEvent,
    *,
    bot: Bot,
    i18n_middleware: I18nMiddleware,
    settings: Settings,
    i18n: I18nContext | None = None,
    event_from_user: User | None = None,
) -> None:
    incident = secrets.token_hex(4).upper()
    metrics.ERRORS.inc()
    log.error(
        "unhandled_error",
        incident=incident,
        update_id=event.update.update_id,
        update_type=event.update.event_type,
        exc_info=event.exception,
    )
    # The failure may have come before the i18n middleware ran (e.g. Redis is down).
    locale = (
        i18n.locale
        if i18n
        else locale_for(
            event_from_user.language_code if event_from_user else None,
            settings.chat.default_locale.value,
        )
    )
    text = i18n_middleware.core.get("error-incident", locale, incident=incident)
    await reply_in_private(event.update, bot, text)
