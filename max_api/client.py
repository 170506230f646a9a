"""A small client of the Max Bot API (https://platform-api.max.ru) on httpx: the calls the bot
makes, Max's errors as one exception that says what the caller needs to decide, nothing more.

The token goes in the ``Authorization`` header only (never in a URL, so never in a log line);
the CA bundle, when set, is this client's alone. Nothing here retries by itself: the caller
knows whether a retry is right (the outbox reschedules, a dialog tells the person), and a 429
says how long to wait.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

JSON = dict[str, Any]

#: Max answers a message whose upload it has not processed yet so; sending again shortly works.
NOT_READY = "attachment.not.ready"
#: The person stopped the bot or removed the dialog.
CHAT_DENIED = "chat.denied"


class MaxError(Exception):
    """Max refused a call, or could not be reached (`status` 0). `code` is Max's error code
    (``chat.denied``, ``attachment.not.ready``, ``too.many.requests``, ``not.found``…)."""

    def __init__(
        self, status: int, code: str, message: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}" if message else f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after

    @property
    def not_ready(self) -> bool:
        return self.code == NOT_READY or "not.processed" in self.message


@dataclass(frozen=True)
class User:
    """A person, addressed by Max's id of them (their dialog with the bot)."""

    user_id: int


@dataclass(frozen=True)
class GroupChat:
    """A group chat the bot is in (the staff's), addressed by its chat id."""

    chat_id: int


Recipient = User | GroupChat


@dataclass(frozen=True)
class Updates:
    updates: list[JSON]
    marker: int | None  # send it with the next poll: it confirms these


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class MaxApi:
    """One bot's Max Bot API."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        ca_bundle: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True
        )
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": token},
            timeout=timeout,
            verify=verify,
        )
        # Upload hosts and file URLs are not the API: no token goes to them.
        self._files = httpx.AsyncClient(timeout=timeout, verify=verify, follow_redirects=True)

    async def close(self) -> None:
        await self._http.aclose()
        await self._files.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpx's, per call
    ) -> JSON:
        """One API call; its JSON answer, or `MaxError`."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._http.request(
                method,
                path,
                params=query,
                json=json,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise MaxError(0, "unreachable", type(exc).__name__) from None
        return self._answer(response)

    @staticmethod
    def _answer(response: httpx.Response) -> JSON:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success and isinstance(body, dict):
            if body.get("success") is False:  # a SuccessResponse that is not one
                raise MaxError(response.status_code, "not.successful", str(body.get("message")))
            return body
        details = body if isinstance(body, dict) else {}
        status = response.status_code
        fallback = "too.many.requests" if status == 429 else f"http.{status}"
        raise MaxError(
            status,
            str(details.get("code") or fallback),
            str(details.get("message") or ""),
            _retry_after(response) if status == 429 else None,
        )

    # -- the calls --------------------------------------------------------------------------

    async def me(self) -> JSON:
        return await self.call("GET", "/me")

    async def send(self, recipient: Recipient, body: JSON) -> JSON:
        """Send to a person's dialog with the bot (`User`) or to a group chat the bot is in
        (`GroupChat`); the sent message."""
        params = (
            {"user_id": recipient.user_id}
            if isinstance(recipient, User)
            else {"chat_id": recipient.chat_id}
        )
        answer = await self.call("POST", "/messages", params=params, json=body)
        message: JSON = answer["message"]
        return message

    async def edit(self, mid: str, body: JSON) -> None:
        await self.call("PUT", "/messages", params={"message_id": mid}, json=body)

    async def delete(self, mid: str) -> None:
        await self.call("DELETE", "/messages", params={"message_id": mid})

    async def answer(self, callback_id: str, body: JSON) -> None:
        await self.call("POST", "/answers", params={"callback_id": callback_id}, json=body)

    async def upload(self, kind: str, filename: str, content: bytes) -> JSON:
        """Upload a file in Max's two steps; the attachment payload that sends it (a token,
        reusable for any number of messages and recipients)."""
        endpoint = await self.call("POST", "/uploads", params={"type": kind})
        try:
            response = await self._files.post(
                str(endpoint["url"]), files={"data": (filename, content)}
            )
        except httpx.HTTPError as exc:
            raise MaxError(0, "unreachable", type(exc).__name__) from None
        if not response.is_success:
            raise MaxError(response.status_code, "upload.failed")
        if kind in ("video", "audio"):  # their token came with the URL
            return {"token": endpoint["token"]}
        uploaded = response.json()
        return dict(uploaded) if "photos" in uploaded else {"token": uploaded["token"]}

    async def download(self, url: str, *, limit: int) -> bytes:
        """A file a person sent (its attachment's URL), at most `limit` bytes."""
        try:
            async with self._files.stream("GET", url) as response:
                if not response.is_success:
                    raise MaxError(response.status_code, "download.failed")
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > limit:
                        raise MaxError(413, "file.too.large")
                return bytes(content)
        except httpx.HTTPError as exc:
            raise MaxError(0, "unreachable", type(exc).__name__) from None

    async def updates(
        self,
        marker: int | None,
        *,
        timeout: int,  # noqa: ASYNC109 - the long poll's, Max's parameter
        types: Sequence[str] | None = None,
    ) -> Updates:
        """Long polling: the updates after `marker` (which confirms the earlier ones)."""
        answer = await self.call(
            "GET",
            "/updates",
            params={
                "marker": marker,
                "timeout": timeout,
                "types": ",".join(types) if types else None,
            },
            timeout=timeout + 10,
        )
        found = answer.get("updates")
        next_marker = answer.get("marker")
        return Updates(
            [u for u in found if isinstance(u, dict)] if isinstance(found, list) else [],
            next_marker if isinstance(next_marker, int) else marker,
        )

    async def subscriptions(self) -> list[JSON]:
        found = (await self.call("GET", "/subscriptions")).get("subscriptions")
        return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else []

    async def subscribe(self, url: str, *, secret: str, update_types: Sequence[str]) -> None:
        body = {"url": url, "secret": secret, "update_types": list(update_types)}
        await self.call("POST", "/subscriptions", json=body)

    async def unsubscribe(self, url: str) -> None:
        await self.call("DELETE", "/subscriptions", params={"url": url})
