"""The fake Bot API plugged into aiogram as the bot's session: no HTTP between them.

aiogram's own tests do the same (a `MockedSession`); this one answers every method with what
`FakeTelegram` would answer over HTTP, so the bot cannot tell the difference: the request is
prepared by aiogram's own `prepare_value` (files become `attach://` parts), executed and
recorded by the fake, and the answer goes through aiogram's own `check_response` (errors become
aiogram's exceptions). Polling is aiogram's own too: `getUpdates` long-polls the fake's queue.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from tests.fake_telegram import FakeTelegram, UploadedFile, canonical_method, form_params

if TYPE_CHECKING:
    from aiogram import Bot


class FakeTelegramSession(BaseSession):
    def __init__(self, tg: FakeTelegram) -> None:
        super().__init__(api=TelegramAPIServer.from_base(tg.base_url or "http://fake.invalid"))
        self.tg = tg

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        files: dict[str, InputFile] = {}
        fields: list[tuple[str, str | UploadedFile]] = []
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                fields.append((key, prepared))
        for key, file in files.items():
            content = b"".join([chunk async for chunk in file.read(bot)])
            name = file.filename or key
            fields.append((key, UploadedFile(key, name, "application/octet-stream", content)))
        call, error = await self.tg.execute(
            canonical_method(method.__api_method__), form_params({}, fields), time.time()
        )
        payload = error.payload() if error else {"ok": True, "result": call.result}
        response = self.check_response(
            bot=bot, method=method, status_code=call.status, content=json.dumps(payload)
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """A file download: `{base}/file/bot{token}/{path}`."""
        path = url.split("/file/bot", 1)[1].split("/", 1)[1]
        yield self.tg.download(path)

    async def close(self) -> None:
        return None
