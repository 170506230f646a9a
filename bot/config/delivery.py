"""The delivery engine (notify/): the workers (WORKER_*)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from bot.config.parts import Part


class DeliverySettings(Part):
    """Rows a worker sends at once, and how long a row it took stays its own (a crashed
    worker's rows are taken again once their lease ends)."""

    model_config = SettingsConfigDict(env_prefix="WORKER_")

    concurrency: int = Field(default=8, ge=1, le=512)
    lease_seconds: float = Field(default=60.0, ge=1)
