"""What a process connects to, opened and closed together: `open_resources`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.factory.cabinet import CabinetWiring, wire_cabinet
from bot.factory.renderers import flow_renderers
from bot.i18n import create_core
from bot.identity import IdentityWiring, check_provider, wire_identity
from bot.sign_in_notice import SignInNotice
from cabinet import CabinetClient, ReadCache
from documents import DocumentLinks, Renderers
from linking.codes import CodeStore
from linking.flow import LinkFlow
from notify.doorbell import Doorbell
from notify.limiter import Limiter
from notify.ports.max_messenger import MAX_LIMITS
from notify.ports.telegram import TELEGRAM_LIMITS
from storage.db import create_engine, create_session_factory
from storage.redis import KEY_PREFIX, create_redis


@dataclass(frozen=True)
class Resources:
    """What the process connects to; closed together."""

    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    redis: Redis
    cabinet: CabinetClient
    wiring: CabinetWiring
    identity: IdentityWiring
    link_flow: LinkFlow
    document_links: DocumentLinks
    doorbell: Doorbell
    limiter: Limiter  # Telegram's budget, shared by the outbox and direct replies
    renderers: Renderers  # the documents the flows make, for the dialogs, `/d` and the outbox
    max_limiter: Limiter  # Max's budget, likewise (used when MAX_BOT_TOKEN is set)


@contextlib.asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    engine = create_engine(settings.database.url)
    redis = create_redis(settings.redis.url)
    wiring = wire_cabinet(settings)
    cabinet = CabinetClient(
        wiring.base_url, wiring.token, cache=ReadCache(redis, prefix=KEY_PREFIX)
    )
    identity = wire_identity(settings)
    session_factory = create_session_factory(engine)
    renderers = flow_renderers()
    notice_core = create_core(settings.chat.default_locale.value)
    await notice_core.startup()
    flow = LinkFlow(
        codes=CodeStore(redis, prefix=KEY_PREFIX),
        provider=identity.provider,
        cabinet=cabinet,
        public_url=settings.web.public_url,
        on_failure=SignInNotice(session_factory, notice_core, settings.staff.support_contacts),
    )
    try:
        await check_provider(identity.provider)
        yield Resources(
            engine,
            session_factory,
            redis,
            cabinet,
            wiring,
            identity,
            flow,
            DocumentLinks(redis, prefix=KEY_PREFIX, kinds=renderers),
            Doorbell(redis, prefix=KEY_PREFIX),
            Limiter(
                redis,
                prefix=KEY_PREFIX,
                rate=settings.telegram.rate_limit,
                paid_rate=settings.telegram.paid_rate,
                channel=TELEGRAM_LIMITS.key,
            ),
            renderers,
            Limiter(redis, prefix=KEY_PREFIX, rate=settings.max.rate_limit, channel=MAX_LIMITS.key),
        )
    finally:
        await identity.provider.aclose()
        await cabinet.aclose()
        await redis.aclose()
        await engine.dispose()
