"""aiogram's Bot API calls answered through Max: the session of the bot's Max `Bot`.

The handlers and aiogram-dialog call `bot.send_message`, `edit_message_text`, `delete_message`,
`answer_callback_query`, `send_document`, `download`… as they do in Telegram; this session does
each through the Max Bot API (`max_api`) and answers what aiogram expects: a `Message` whose id
is `MessageIds`' number, `True`, a `File`. Max's refusals become aiogram's own exceptions, worded
as Telegram words them, so aiogram-dialog recovers as it does there (a message too old to edit
is sent anew, one already deleted is forgotten) and the error handlers need no second set:

* 429 → `TelegramRetryAfter` (Max's Retry-After, 1 s without one);
* ``chat.denied`` / 403 → `TelegramForbiddenError` (the person stopped the bot);
* an unknown or forgotten message → `TelegramBadRequest` «message to edit/delete not found»;
* unreachable → `TelegramNetworkError`; Max's own failure → `TelegramServerError`.

A chat is an account (`storage/accounts.py`): the session sends to the Max user behind it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any, cast

import structlog
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    GetUpdates,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetChatMenuButton,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    Document,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    PhotoSize,
    User,
)

from bot.max_messenger.message_ids import MessageIds
from bot.max_messenger.updates import FILE_ID_PREFIX, UpdateReader
from max_api import CHAT_DENIED, GroupChat, MaxApi, MaxError, Recipient
from max_api import User as MaxUser
from max_api.messages import UPLOADED, body
from storage.accounts import Channel, account_of, max_group

log = structlog.get_logger(__name__)

#: Files Max has not processed yet are sent again after these pauses (seconds), then given up.
NOT_READY_PAUSES = (0.2, 0.5, 1.0, 2.0, 4.0)
#: The largest file a person's upload is read to (Max allows more; the cabinet takes less).
DOWNLOAD_LIMIT = 50 * 1024 * 1024
#: aiogram builds a file's URL from the API server's template: Max's file URLs are whole.
FILES_AS_THEY_ARE = TelegramAPIServer(base="max://{token}/{method}", file="{path}")

_ACCEPTED_SILENTLY = (SetMyCommands, DeleteMyCommands, SetChatMenuButton, SendChatAction)


class MaxSession(BaseSession):
    def __init__(
        self,
        api: MaxApi,
        message_ids: MessageIds,
        *,
        bot_user: User,
        staff_chat_id: int | None = None,
    ) -> None:
        """`staff_chat_id`: the Max group chat where support works, when it is in Max."""
        super().__init__(api=FILES_AS_THEY_ARE)
        self.max = api
        self.message_ids = message_ids
        self.bot_user = bot_user
        self.staff_chat_id = staff_chat_id
        self.reader = UpdateReader(message_ids, staff_chat_id=staff_chat_id)
        self.marker: int | None = None  # long polling: what Max confirms with the next poll

    async def close(self) -> None:
        await self.max.close()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        try:
            return cast(TelegramType, await self._call(bot, method))
        except MaxError as exc:
            raise _as_aiogram(method, exc) from None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        try:
            yield await self.max.download(url, limit=DOWNLOAD_LIMIT)
        except MaxError as exc:  # as a request's refusal: aiogram's exception
            raise _as_aiogram(GetFile(file_id=FILE_ID_PREFIX + url), exc) from None

    # -- the methods --------------------------------------------------------------------------

    async def _call(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, _ACCEPTED_SILENTLY):
            return True  # Max has no such thing (its commands are set in business.max.ru)
        handler = _HANDLERS.get(type(method))
        if handler is None:
            raise TelegramBadRequest(method, f"Bad Request: {type(method).__name__} is not in Max")
        return await handler(self, bot, method)

    async def _get_me(self, bot: Bot, method: GetMe) -> User:
        return self.bot_user

    async def _get_updates(self, bot: Bot, method: GetUpdates) -> list[Any]:
        return await self._updates(method.timeout or 0)

    async def _delete_webhook(self, bot: Bot, method: DeleteWebhook) -> bool:
        """Long polling in Max needs no subscription: Max refuses polls beside one."""
        for subscription in await self.max.subscriptions():
            await self.max.unsubscribe(str(subscription["url"]))
        return True

    async def _send_message(self, bot: Bot, method: SendMessage) -> Message:
        return await self._send(bot, method.chat_id, method.text, method.reply_markup, method)

    async def _edit_text(self, bot: Bot, method: EditMessageText) -> Message | bool:
        return await self._edit(bot, method, method.text, method.reply_markup)

    async def _edit_caption(self, bot: Bot, method: EditMessageCaption) -> Message | bool:
        return await self._edit(bot, method, method.caption, method.reply_markup)

    async def _edit_markup(self, bot: Bot, method: EditMessageReplyMarkup) -> Message | bool:
        return await self._edit(bot, method, None, method.reply_markup)

    async def _answer_callback(self, bot: Bot, method: AnswerCallbackQuery) -> bool:
        if method.text:  # nothing to say: no call (Max's budget is 30 requests a second)
            await self.max.answer(method.callback_query_id, {"notification": method.text})
        return True

    async def _get_file(self, bot: Bot, method: GetFile) -> File:
        return _file(method.file_id)

    async def _updates(self, timeout: int) -> list[Any]:  # noqa: ASYNC109 - the long poll's
        """aiogram's long polling, through Max's: the poll confirms the updates of the one
        before (Max's marker; aiogram's offset means nothing here)."""
        batch = await self.max.updates(self.marker, timeout=timeout)
        self.marker = batch.marker
        return [update for raw in batch.updates for update in await self.reader.read(raw)]

    async def _send(  # noqa: PLR0917
        self,
        bot: Bot,
        chat_id: int | str,
        text: str | None,
        markup: Any,
        method: TelegramMethod[Any],
        attachment: dict[str, Any] | None = None,
    ) -> Message:
        recipient = self._recipient(method, chat_id)
        message = body(
            text,
            rows=_rows(markup),
            attachment=attachment,
            html_format=_is_html(bot, getattr(method, "parse_mode", None)),
        )
        replied = getattr(method, "reply_parameters", None)
        if replied is not None and (mid := await self.message_ids.mid(replied.message_id)):
            message["link"] = {"type": "reply", "mid": mid}
        try:
            sent = await self._deliver(recipient, message)
        except MaxError as exc:  # the message replied to is gone: as Telegram, send anyway
            unlinked = message.pop("link", None) is not None and exc.status in (400, 404)
            if not (unlinked and replied is not None and replied.allow_sending_without_reply):
                raise
            sent = await self._deliver(recipient, message)
        if isinstance(recipient, GroupChat):  # kept by number in the database: Max's own
            number = await self.message_ids.pin(str(sent["body"]["mid"]), int(sent["body"]["seq"]))
        else:
            number = await self.message_ids.number(str(sent["body"]["mid"]))
        return self._message(number, int(chat_id), text, markup, sent)

    async def _deliver(self, recipient: Recipient, message: dict[str, Any]) -> dict[str, Any]:
        """Send; a file just uploaded that Max is still processing is tried again."""
        for pause in (*NOT_READY_PAUSES, None):
            try:
                return await self.max.send(recipient, message)
            except MaxError as exc:
                if not exc.not_ready or pause is None:
                    raise
                await asyncio.sleep(pause)
        raise AssertionError("unreachable: the last attempt raises")

    async def _send_file(self, bot: Bot, method: SendDocument | SendPhoto) -> Message:
        media = method.document if isinstance(method, SendDocument) else method.photo
        kind = "file" if isinstance(method, SendDocument) else "image"
        if isinstance(media, str) and media.startswith(UPLOADED):  # sent before: its token
            uploaded: dict[str, Any] = {"token": media.removeprefix(UPLOADED)}
        else:  # uploaded now: the bot's file, or one a person sent (sent on, as Telegram can)
            if isinstance(media, InputFile):
                name = media.filename or "file"
                content = b"".join([chunk async for chunk in media.read(bot)])
            elif isinstance(media, str) and media.startswith(FILE_ID_PREFIX):
                name = "file"
                url = media.removeprefix(FILE_ID_PREFIX)
                content = await self.max.download(url, limit=DOWNLOAD_LIMIT)
            else:
                raise TelegramBadRequest(method, "Bad Request: Max sends files the bot uploads")
            uploaded = await self.max.upload(kind, name, content)
        attachment = {"type": kind, "payload": uploaded}
        return await self._send(
            bot, method.chat_id, method.caption, method.reply_markup, method, attachment
        )

    def _recipient(self, method: TelegramMethod[Any], chat_id: int | str) -> Recipient:
        if self.staff_chat_id is not None and self._is_staff(chat_id):
            return GroupChat(self.staff_chat_id)
        return _max_user(method, chat_id)

    def _is_staff(self, chat_id: int | str) -> bool:
        """Whether the handlers' chat is the staff's group chat (`max_group`'s number)."""
        staff = self.staff_chat_id
        return staff is not None and str(chat_id) == str(max_group(staff))

    async def _edit(
        self,
        bot: Bot,
        method: EditMessageText | EditMessageCaption | EditMessageReplyMarkup,
        text: str | None,
        markup: Any,
    ) -> Message | bool:
        mid = await self._mid(method, method.message_id, "message to edit not found")
        message = body(
            text, rows=_rows(markup), html_format=_is_html(bot, getattr(method, "parse_mode", None))
        )
        if text is None:
            message["text"] = None  # unchanged: only the buttons change
        await self.max.edit(mid, message)
        assert method.message_id is not None
        chat_id = int(method.chat_id) if method.chat_id is not None else 0
        return self._message(method.message_id, chat_id, text, markup, None)

    async def _delete(self, bot: Bot, method: DeleteMessage) -> bool:
        mid = await self._mid(method, method.message_id, "message to delete not found")
        await self.max.delete(mid)
        await self.message_ids.forget(method.message_id)
        return True

    async def _mid(self, method: TelegramMethod[Any], number: int | None, missing: str) -> str:
        mid = await self.message_ids.mid(number) if number is not None else None
        if mid is None:
            raise TelegramBadRequest(method, f"Bad Request: {missing}")
        return mid

    def _message(
        self,
        number: int,
        chat_id: int,
        text: str | None,
        markup: Any,
        sent: dict[str, Any] | None,
    ) -> Message:
        attachments = ((sent or {}).get("body") or {}).get("attachments") or []
        media: dict[str, Any] = {}
        for attachment in attachments:
            token = str((attachment.get("payload") or {}).get("token") or "")
            file_id = UPLOADED + token
            if attachment.get("type") == "file" and token:
                media["document"] = Document(file_id=file_id, file_unique_id=token)
            elif attachment.get("type") == "image" and token:
                media["photo"] = [
                    PhotoSize(file_id=file_id, file_unique_id=token, width=0, height=0)
                ]
        return Message(
            message_id=number,
            date=dt.datetime.now(dt.UTC),
            chat=Chat(
                id=chat_id,
                type=ChatType.SUPERGROUP if self._is_staff(chat_id) else ChatType.PRIVATE,
            ),
            from_user=self.bot_user,
            text=text if not media else None,
            caption=text if media else None,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            **media,
        )


_HANDLERS: dict[type[TelegramMethod[Any]], Any] = {
    GetMe: MaxSession._get_me,
    GetUpdates: MaxSession._get_updates,
    DeleteWebhook: MaxSession._delete_webhook,
    SendMessage: MaxSession._send_message,
    EditMessageText: MaxSession._edit_text,
    EditMessageCaption: MaxSession._edit_caption,
    EditMessageReplyMarkup: MaxSession._edit_markup,
    DeleteMessage: MaxSession._delete,
    AnswerCallbackQuery: MaxSession._answer_callback,
    SendDocument: MaxSession._send_file,
    SendPhoto: MaxSession._send_file,
    GetFile: MaxSession._get_file,
}


def _max_user(method: TelegramMethod[Any], chat_id: int | str) -> MaxUser:
    """The Max user behind a chat (an account): a Telegram chat is not Max's."""
    try:
        account = account_of(int(chat_id))
    except ValueError:
        account = None
    if account is None or account.channel is not Channel.MAX:
        raise TelegramBadRequest(method, "Bad Request: chat not found")
    return MaxUser(account.external_id)


def _rows(markup: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [[b.model_dump(exclude_none=True) for b in row] for row in markup.inline_keyboard]


def _is_html(bot: Bot, parse_mode: Any) -> bool:
    mode = bot.default[parse_mode.name] if isinstance(parse_mode, Default) else parse_mode
    return bool(mode == ParseMode.HTML)


def _file(file_id: str) -> File:
    if not file_id.startswith(FILE_ID_PREFIX):
        raise ValueError("not a file of Max")
    url = file_id.removeprefix(FILE_ID_PREFIX)
    return File(file_id=file_id, file_unique_id=file_id, file_path=url)


def _as_aiogram(method: TelegramMethod[Any], exc: MaxError) -> Exception:  # noqa: PLR0911
    if exc.status == 429:
        return TelegramRetryAfter(method, exc.code, retry_after=max(1, round(exc.retry_after or 1)))
    if exc.status == 403 or exc.code == CHAT_DENIED:
        return TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
    if exc.status == 401:
        return TelegramUnauthorizedError(method, "Unauthorized")
    if exc.status == 404 and isinstance(method, DeleteMessage):
        return TelegramBadRequest(method, "Bad Request: message to delete not found")
    if exc.status == 404 and isinstance(
        method, EditMessageText | EditMessageCaption | EditMessageReplyMarkup
    ):
        return TelegramBadRequest(method, "Bad Request: message to edit not found")
    if exc.status == 0:
        return TelegramNetworkError(method, f"Max is unreachable ({exc.message})")
    if exc.status >= 500:
        return TelegramServerError(method, f"Max failed: {exc.code}")
    log.warning("max_refused", method=type(method).__name__, status=exc.status, code=exc.code)
    return TelegramBadRequest(method, f"Bad Request: {exc.code}")
