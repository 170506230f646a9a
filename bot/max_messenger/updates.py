"""Max updates as the aiogram updates the dispatcher already handles.

Max's person becomes an aiogram user and private chat whose id is their *account id*
(`storage/accounts.py`), so aiogram's FSM keys, the middlewares and every handler work unchanged
and Telegram's user 5 never meets Max's user 5. What each update becomes:

* ``message_created`` in a dialog → a message: its text, a file as a document, a picture as a
  photo (a kind of attachment the bot does not know — a sticker, a contact, a location —
  leaves a message without content, which the bot answers as it does in Telegram);
* ``message_created`` in the staff's group chat (when support works in Max) → a message in
  that chat (a supergroup numbered by `max_group`, apart from every person's chat), a reply
  carrying the message it replies to, so the staff's answers and commands work as in
  Telegram;
* ``bot_started`` → ``/start`` with the deep link's payload (``/start b_…`` binds a sign-in);
* ``message_callback`` → a callback query on the message the button is under;
* ``bot_stopped`` / ``dialog_removed`` → the bot was blocked in that private chat (the account
  gets no messages until it starts the bot again: ``bot_started`` is the unblocking first,
  then the ``/start``).

Anything else (other group chats, channels, edits, Max's own new update types) becomes nothing: it
is confirmed and counted, never an error. Message ids are `MessageIds`' numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from aiogram.enums import ChatType
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Document,
    Message,
    PhotoSize,
    Update,
    User,
)

from bot.max_messenger.message_ids import MessageIds
from storage.accounts import Channel, account_id, max_group

JSON = Mapping[str, Any]

#: A file's id, as the handlers see it: Max gives a URL to download the file from.
FILE_ID_PREFIX = "max:"


def update_key(update: JSON) -> str:
    """The same update delivered twice (Max retries a webhook for hours) has the same key."""
    canonical = json.dumps(update, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _update_id(update: JSON) -> int:
    return int(update_key(update)[:13], 16)  # < 2**52: any JSON reader keeps it exact


def _when(milliseconds: Any) -> dt.datetime:
    if isinstance(milliseconds, int) and milliseconds > 0:
        return dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)
    return dt.datetime.now(dt.UTC)


def _user(raw: JSON, locale: Any) -> User:
    name = str(raw.get("first_name") or raw.get("name") or "")
    return User(
        id=account_id(Channel.MAX, int(raw["user_id"])),
        is_bot=bool(raw.get("is_bot", False)),
        first_name=name,
        last_name=raw.get("last_name") or None,
        username=raw.get("username") or None,
        language_code=locale if isinstance(locale, str) else None,
    )


def _chat(user: User) -> Chat:
    return Chat(id=user.id, type=ChatType.PRIVATE, first_name=user.first_name)


def _staff_chat(chat_id: int) -> Chat:
    """The staff's group chat, numbered apart from every person's (`max_group`)."""
    return Chat(id=max_group(chat_id), type=ChatType.SUPERGROUP, title="staff")


def _attachments(raw: Any) -> dict[str, Any]:
    """The message fields a Max file or picture fills."""
    fields: dict[str, Any] = {}
    for attachment in raw if isinstance(raw, list) else ():
        kind = attachment.get("type")
        payload = attachment.get("payload") or {}
        url = payload.get("url")
        if not isinstance(url, str):
            continue
        unique = str(payload.get("fileId") or payload.get("photo_id") or payload.get("token"))
        if kind == "file" and "document" not in fields:
            fields["document"] = Document(
                file_id=FILE_ID_PREFIX + url,
                file_unique_id=unique,
                file_name=attachment.get("filename"),
                file_size=attachment.get("size"),
            )
        elif kind == "image" and "photo" not in fields:
            fields["photo"] = [
                PhotoSize(file_id=FILE_ID_PREFIX + url, file_unique_id=unique, width=0, height=0)
            ]
    return fields


class UpdateReader:
    """Max's JSON updates to aiogram's."""

    def __init__(self, message_ids: MessageIds, *, staff_chat_id: int | None = None) -> None:
        self.message_ids = message_ids
        self.staff_chat_id = staff_chat_id

    async def read(self, update: JSON) -> list[Update]:
        """The aiogram updates (none for one the bot has nothing to do with)."""
        kind = update.get("update_type")
        locale = update.get("user_locale")
        try:
            if kind == "message_created":
                return await self._message(update, locale)
            if kind == "message_callback":
                pressed = await self._callback(update, locale)
                return [] if pressed is None else [pressed]
            if kind in ("bot_started", "bot_stopped", "dialog_removed"):
                return await self._dialog(update, str(kind), locale)
        except (KeyError, TypeError, ValueError, AttributeError):
            return []
        return []

    async def _message(self, update: JSON, locale: Any) -> list[Update]:
        raw = update["message"]
        recipient = raw.get("recipient") or {}
        where = recipient.get("chat_type")
        staff = where == "chat" and self.staff_chat_id is not None
        staff = staff and recipient.get("chat_id") == self.staff_chat_id
        if not staff and where != "dialog":  # another group, a channel
            return []
        user = _user(raw["sender"], locale)
        if user.is_bot:
            return []
        body = raw.get("body") or {}
        chat = _staff_chat(int(recipient["chat_id"])) if staff else _chat(user)
        message = Message(
            message_id=await (self._staff_number(body) if staff else self._number(body)),
            date=_when(raw.get("timestamp")),
            chat=chat,
            from_user=user,
            text=body.get("text") or None,
            reply_to_message=await self._replied(raw.get("link"), chat) if staff else None,
            **_attachments(body.get("attachments")),
        )
        return [Update(update_id=_update_id(update), message=message)]

    async def _number(self, body: JSON) -> int:
        return await self.message_ids.number(str(body["mid"]))

    async def _staff_number(self, body: JSON) -> int:
        """A message of the staff chat is numbered by Max's `seq`, for good (`MessageIds`)."""
        return await self.message_ids.pin(str(body["mid"]), int(body["seq"]))

    async def _replied(self, link: Any, chat: Chat) -> Message | None:
        """The message a staff member replied to (Max's `link` of type reply)."""
        if not isinstance(link, Mapping) or link.get("type") != "reply":
            return None
        replied = link.get("message") or {}
        sender = link.get("sender") or {}
        return Message(
            message_id=await self._staff_number(replied),
            date=_when(replied.get("timestamp")),
            chat=chat,
            from_user=User(
                id=int(sender.get("user_id", 0)),
                is_bot=bool(sender.get("is_bot", True)),
                first_name=str(sender.get("name") or "bot"),
            ),
            text=replied.get("text") or None,
        )

    async def _callback(self, update: JSON, locale: Any) -> Update | None:
        """A press of a button under a message of a person's dialog (None elsewhere: the
        staff chat's posts carry no buttons of theirs)."""
        under = update.get("message")
        if isinstance(under, Mapping):
            where = (under.get("recipient") or {}).get("chat_type")
            if where not in (None, "dialog"):
                return None
        raw = update["callback"]
        user = _user(raw["user"], locale)
        message = None
        if isinstance(under, Mapping) and (under.get("body") or {}).get("mid"):
            sender = under.get("sender") or {}
            message = Message(
                message_id=await self._number(under["body"]),
                date=_when(under.get("timestamp")),
                chat=_chat(user),
                from_user=User(id=int(sender.get("user_id", 0)), is_bot=True, first_name="bot"),
                text=under["body"].get("text") or None,
            )
        query = CallbackQuery(
            id=str(raw["callback_id"]),
            from_user=user,
            chat_instance=f"max:{user.id}",
            message=message,
            data=str(raw.get("payload") or ""),
        )
        return Update(update_id=_update_id(update), callback_query=query)

    async def _dialog(self, update: JSON, kind: str, locale: Any) -> list[Update]:
        user = _user(update["user"], locale)
        chat, when = _chat(user), _when(update.get("timestamp"))
        bot = User(id=0, is_bot=True, first_name="bot")
        member = ChatMemberMember(user=bot)
        stopped = ChatMemberBanned(user=bot, until_date=dt.datetime.fromtimestamp(0, dt.UTC))
        started = kind == "bot_started"
        change = ChatMemberUpdated(
            chat=chat,
            from_user=user,
            date=when,
            old_chat_member=stopped if started else member,
            new_chat_member=member if started else stopped,
        )
        updates = [Update(update_id=_update_id(update), my_chat_member=change)]
        if started:
            payload = update.get("payload")
            text = f"/start {payload}" if isinstance(payload, str) and payload else "/start"
            number = await self.message_ids.fresh()
            message = Message(message_id=number, date=when, chat=chat, from_user=user, text=text)
            updates.append(Update(update_id=_update_id(update) + 1, message=message))
        return updates
