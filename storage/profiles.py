"""The few facts every update needs about its user, cached in Redis.

The database is the truth; a profile is read from Redis (in the user middleware's pipeline)
and rebuilt from the database only when missing. Whoever changes a fact commits first, then
calls `refresh` (or `forget`, when the user is deleted), so the next update reads the new
value on every replica.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import ConsentRepository, LinkRepository, UserRepository

PROFILE_TTL_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: int
    locale: str
    time_zone: str
    consent_version: str | None
    customer_id: str | None = None  # linked: the cabinet customer this chat acts for
    display_name: str | None = None  # linked: "Иван И."
    marketing: bool = False  # consents to advertising (38-ФЗ): «Предложения для вас» shown

    @property
    def linked(self) -> bool:
        return self.customer_id is not None


class ProfileStore:
    def __init__(
        self,
        redis: Redis,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        prefix: str,
        default_time_zone: str,
    ) -> None:
        self.redis = redis
        self.session_factory = session_factory
        self.prefix = prefix
        self.default_time_zone = default_time_zone

    def key(self, user_id: int) -> str:
        return f"{self.prefix}:profile:v2:{user_id}"

    @staticmethod
    def parse(raw: bytes | str | None) -> Profile | None:
        """A cached profile, or None when absent or written by another release."""
        if raw is None:
            return None
        try:
            return Profile(**json.loads(raw))
        except (TypeError, ValueError):
            return None

    async def refresh(self, user_id: int, *, locale: str) -> Profile:
        """Rebuild the profile from the database (creating the user) and cache it.

        Call it after committing a change: the new value is written, not just dropped, so
        an update that reads the cache next sees it.
        """
        async with self.session_factory() as session:
            user = await UserRepository(session).get_or_create(
                user_id, locale=locale, time_zone=self.default_time_zone
            )
            consent = await ConsentRepository(session).current(user_id)
            link = await LinkRepository(session).of_user(user_id)
            await session.commit()
        profile = Profile(
            user_id=user.id,
            locale=user.locale,
            time_zone=user.time_zone,
            consent_version=consent.version if consent else None,
            customer_id=link.customer_id if link else None,
            display_name=link.display_name if link else None,
            marketing=user.marketing,
        )
        await self.redis.set(self.key(user_id), json.dumps(asdict(profile)), ex=PROFILE_TTL_SECONDS)
        return profile

    async def forget(self, user_id: int) -> None:
        await self.redis.delete(self.key(user_id))
