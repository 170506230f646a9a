"""Counts updates by type and times their handling."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot import metrics


class MetricsMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_type = event.event_type if isinstance(event, Update) else type(event).__name__
        metrics.UPDATES.labels(update_type).inc()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            metrics.UPDATE_SECONDS.observe(time.perf_counter() - started)
