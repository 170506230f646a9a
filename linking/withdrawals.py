"""Telling the cabinet that a customer withdrew their consent for this channel (`/revoke`), so
that the insurer's consent records agree with the bot's.

`/revoke` must work whatever the cabinet's state: the notice is stored with the revocation
(the same transaction), sent at once, and — while the cabinet is unavailable — sent again by
the delivery workers every `RETRY_EVERY` until it answers; the idempotency key stored with the
notice makes every attempt the same request, so the cabinet records it once. A notice the
cabinet refuses (4xx other than 404/409) is given up and logged: sending it again would not
change the answer. The row keeps only the customer id, and is deleted once sent.
"""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cabinet import CabinetClient, CabinetError, CabinetUnavailable
from cabinet.models import Channel, ChannelConsentWithdrawalRequest
from storage.db import erase_deleted
from storage.models import ConsentWithdrawalNotice, utcnow

log = structlog.get_logger(__name__)

RETRY_EVERY = dt.timedelta(minutes=1)
#: After this many failed attempts (a day at one a minute) the notice stays for the operators.
GIVE_UP_AFTER = 1440


async def record(
    session: AsyncSession, customer_id: str, *, channel: Channel, consent_version: str | None
) -> ConsentWithdrawalNotice:
    """The cabinet is to be told that the customer withdrew their consent for `channel` (the
    messenger of the account that said /revoke; their other messenger's consent stands)."""
    notice = ConsentWithdrawalNotice(
        customer_id=customer_id,
        channel=channel.value,
        withdrawn_at=utcnow(),
        consent_version=consent_version,
        idempotency_key=str(uuid.uuid4()),
    )
    session.add(notice)
    await session.flush()
    return notice


async def send(
    session_factory: async_sessionmaker[AsyncSession], cabinet: CabinetClient, notice_id: int
) -> bool:
    """One attempt at one notice; whether the cabinet has it now."""
    async with session_factory() as session:
        notice = await session.get(ConsentWithdrawalNotice, notice_id)
        if notice is None:  # sent meanwhile (another worker)
            return True
        request = ChannelConsentWithdrawalRequest(
            channel=Channel(notice.channel),
            withdrawn_at=notice.withdrawn_at,
            consent_version=notice.consent_version,
        )
        try:
            await cabinet.withdraw_channel_consent(
                notice.customer_id, request, idempotency_key=uuid.UUID(notice.idempotency_key)
            )
        except CabinetUnavailable as exc:
            notice.attempts += 1
            notice.last_error = str(exc)[:255]
            await session.commit()
            log.warning("consent_withdrawal_not_sent", notice=notice.id, attempts=notice.attempts)
            return False
        except CabinetError as exc:  # refused: the same request would be refused again
            notice.attempts = GIVE_UP_AFTER
            notice.last_error = str(exc)[:255]
            await session.commit()
            log.error("consent_withdrawal_refused", notice=notice.id, error=str(exc))
            return False
        await session.execute(
            delete(ConsentWithdrawalNotice).where(ConsentWithdrawalNotice.id == notice.id)
        )
        await session.commit()
        await erase_deleted(session)  # the customer id leaves the database files too
        log.info("consent_withdrawal_sent", channel=notice.channel)
        return True


async def send_due(
    session_factory: async_sessionmaker[AsyncSession], cabinet: CabinetClient
) -> int:
    """Send again the notices the cabinet has not taken yet; how many it took."""
    async with session_factory() as session:
        due = (
            await session.scalars(
                select(ConsentWithdrawalNotice.id)
                .where(ConsentWithdrawalNotice.attempts < GIVE_UP_AFTER)
                .order_by(ConsentWithdrawalNotice.id)
                .limit(100)
            )
        ).all()
    sent = 0
    for notice_id in due:
        if not await send(session_factory, cabinet, notice_id):
            break  # still unavailable: the rest waits for the next round
        sent += 1
    return sent
