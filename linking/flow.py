"""The deep-link sign-in, step by step (see DESIGN.md, "The linking flow").

1. `login_url`: the bot gives the user `{PUBLIC_URL}/link/{code1}` (code1 bound to the user and
   chat that asked, 10 min).
2. `authorize`: the browser opens it; code1 is spent and becomes a `state` (10 min) carrying
   the PKCE verifier and nonce; the browser goes to the provider.
3. `callback`: the provider sends the browser back; `state` is spent (single use: a replayed
   or tampered callback finds nothing), the code is exchanged, the identity verified and the
   customer resolved in the cabinet; the result is a bind code2 (5 min) for the deep link of
   the chat's own messenger, `t.me/{bot}?start=b_{code2}` (`linking/channels.py`).
4. The bot spends code2 on `/start b_{code2}` and binds, only for the same user of the same
   messenger, in a private chat (bot/handlers/linking.py).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from prometheus_client import Counter

from cabinet import CabinetClient, CabinetNotFound, CabinetRejected, CabinetUnavailable
from cabinet.models import Identity
from linking.channels import Channel, channel_of
from linking.codes import CodeKind, CodeStore
from linking.esia.secret import b64url
from linking.providers.base import Failure, IdentityProvider, ProviderError, VerifiedIdentity

log = structlog.get_logger(__name__)

LINK_ATTEMPTS = Counter("cabinet_link_attempts_total", "Sign-in callbacks by outcome", ["outcome"])
BIND_PREFIX = "b_"


class Outcome(enum.StrEnum):
    LINKED = "linked"
    EXPIRED = "expired"  # code or state unknown, used, expired, or tampered with
    DENIED = "denied"
    UNVERIFIED = "unverified"
    UNAVAILABLE = "unavailable"  # the identity provider
    UNTRUSTED = "untrusted"  # the provider's answer did not verify (signature, iss, aud, …)
    CABINET_UNAVAILABLE = "cabinet_unavailable"  # the person is known, the cabinet is down
    NOT_CUSTOMER = "not_customer"
    AMBIGUOUS = "ambiguous"  # several customer records: support merges them, with a reference


@dataclass(frozen=True)
class CallbackResult:
    outcome: Outcome
    locale: str
    bind_code: str | None = None
    provider_code: str | None = None  # e.g. ESIA-007014, for the advice shown
    reference: str | None = None  # what the person quotes to support (ambiguous customer)
    chat_id: int | None = None  # the chat that began the sign-in, once its state is known
    channel: Channel | None = None  # its messenger, once known: where the return link leads


def _challenge(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode()).digest())


def masked_name(identity: VerifiedIdentity, fallback: str) -> str:
    """ "Иван И.": the first name and the initial of the last name, never the full name."""
    if identity.first_name and identity.last_name:
        return f"{identity.first_name} {identity.last_name[0]}."
    return fallback


class LinkFlow:
    def __init__(
        self,
        *,
        codes: CodeStore,
        provider: IdentityProvider,
        cabinet: CabinetClient,
        public_url: str,
        on_failure: Callable[[CallbackResult], Awaitable[None]] | None = None,
    ) -> None:
        #: Told of a sign-in that failed after its chat was known: the chat hears it too.
        self.on_failure = on_failure
        self.codes = codes
        self.provider = provider
        self.cabinet = cabinet
        self.public_url = public_url
        self.redirect_uri = f"{public_url}/link/callback"

    async def forget_user(self, user_id: int, customer_id: str | None) -> None:
        """After unlinking (logout, revoke; committed first): sign-ins the user had begun cannot
        finish, and what the cabinet cache holds about the customer goes."""
        await self.codes.cancel_user(user_id)
        if customer_id is not None:
            await self.cabinet.forget(customer_id)

    async def login_url(self, *, user_id: int, chat_id: int, locale: str) -> str:
        """The «Войти через Госуслуги» button's address: the chat's standing ticket."""
        ticket = await self.codes.ticket(user_id=user_id, chat_id=chat_id, locale=locale)
        return f"{self.public_url}/link/{ticket}"

    async def authorize(self, code: str, *, fallback_locale: str) -> str | CallbackResult:
        """Where to send the browser for a login code, or the page to show instead."""
        payload = await self.codes.open_ticket(code)
        if payload is None:
            return CallbackResult(Outcome.EXPIRED, fallback_locale)
        verifier = secrets.token_urlsafe(48)
        nonce = secrets.token_urlsafe(24) if self.provider.uses_nonce else None
        state = await self.codes.issue(
            CodeKind.STATE, {**payload, "verifier": verifier, "nonce": nonce}
        )
        try:
            return await self.provider.authorization_url(
                state=state,
                code_challenge=_challenge(verifier),
                nonce=nonce,
                redirect_uri=self.redirect_uri,
            )
        except ProviderError as exc:  # the signer or the provider's discovery failed
            log.warning("link_authorize_failed", failure=exc.failure.value, code=exc.code)
            return CallbackResult(
                Outcome.UNAVAILABLE,
                str(payload["locale"]),
                provider_code=exc.code,
                channel=channel_of(payload),
            )

    async def callback(self, params: Mapping[str, str], *, fallback_locale: str) -> CallbackResult:
        try:
            result = await self._callback(params, fallback_locale)
        except Exception:  # a page, never a bare 500: a provider's garbage must not crash us
            log.exception("link_callback_failed")
            result = CallbackResult(Outcome.UNAVAILABLE, fallback_locale)
        LINK_ATTEMPTS.labels(result.outcome.value).inc()
        log.info("link_callback", outcome=result.outcome.value, code=result.provider_code)
        if result.outcome is not Outcome.LINKED and result.chat_id and self.on_failure:
            try:
                await self.on_failure(result)
            except Exception:  # the page still says it; the chat's message is a courtesy
                log.exception("link_failure_notice_failed")
        return result

    async def _callback(self, params: Mapping[str, str], fallback_locale: str) -> CallbackResult:
        state = await self.codes.take(CodeKind.STATE, params.get("state", ""))
        if state is None:
            return CallbackResult(Outcome.EXPIRED, fallback_locale)
        result = await self._with_state(params, state)
        return dataclasses.replace(result, chat_id=int(state["chat_id"]), channel=channel_of(state))

    async def _with_state(self, params: Mapping[str, str], state: dict[str, Any]) -> CallbackResult:
        locale = str(state["locale"])
        error = self.provider.callback_error(params)
        if error is None and not params.get("code"):
            return CallbackResult(Outcome.EXPIRED, locale)
        try:
            if error is not None:
                raise error
            identity = await self.provider.exchange(
                code=params["code"],
                code_verifier=str(state["verifier"]),
                nonce=state.get("nonce"),
                redirect_uri=self.redirect_uri,
            )
        except ProviderError as exc:
            # Our own words (a reason code and what was checked): nothing of the person's.
            log.warning(
                "link_provider_failed", failure=exc.failure.value, code=exc.code, detail=exc.detail
            )
            return CallbackResult(_OUTCOMES[exc.failure], locale, provider_code=exc.code)
        return await self._resolve(identity, state, locale)

    async def _resolve(
        self, identity: VerifiedIdentity, state: dict[str, Any], locale: str
    ) -> CallbackResult:
        try:
            customer = await self.cabinet.resolve_customer(
                _cabinet_identity(identity), locale=locale
            )
        except CabinetRejected as exc:
            if exc.code != "ambiguous_customer":
                return CallbackResult(Outcome.NOT_CUSTOMER, locale)
            # Several records of one person: support merges them. The reference ties the
            # person's message to this log line (which holds no personal data).
            reference = secrets.token_hex(4).upper()
            log.warning("link_ambiguous_customer", reference=reference, user_id=state["user_id"])
            return CallbackResult(Outcome.AMBIGUOUS, locale, reference=reference)
        except CabinetNotFound:
            return CallbackResult(Outcome.NOT_CUSTOMER, locale)
        except CabinetUnavailable:
            return CallbackResult(Outcome.CABINET_UNAVAILABLE, locale)
        bind = {
            "issued_at": state["issued_at"],
            "user_id": state["user_id"],
            "chat_id": state["chat_id"],
            "provider": identity.provider,
            "subject": identity.subject,
            "level": identity.level,
            "customer_id": customer.customer_id,
            "display_name": masked_name(identity, customer.display_name),
        }
        code = await self.codes.issue(CodeKind.BIND, bind)
        return CallbackResult(Outcome.LINKED, locale, bind_code=code)


_OUTCOMES = {
    Failure.DENIED: Outcome.DENIED,
    Failure.UNVERIFIED: Outcome.UNVERIFIED,
    Failure.UNAVAILABLE: Outcome.UNAVAILABLE,
    Failure.INVALID: Outcome.EXPIRED,
    Failure.UNTRUSTED: Outcome.UNTRUSTED,
}


def _cabinet_identity(identity: VerifiedIdentity) -> Identity:
    return Identity.model_validate(
        {
            "provider": identity.provider,
            "subject": identity.subject,
            "snils": identity.snils,
            "last_name": identity.last_name,
            "first_name": identity.first_name,
            "middle_name": identity.middle_name,
            "birth_date": identity.birth_date,
        }
    )
