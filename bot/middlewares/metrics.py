"""Counts and times updates, and knows which are in flight so shutdown can let them finish."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot import metrics

UPDATE_DRAIN_SECONDS = 10.0  # shutdown waits this long for the updates in flight


class MetricsMiddleware(BaseMiddleware):
    def __init__(self) -> None:
        self.in_flight: set[asyncio.Task[Any]] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_type = event.event_type if isinstance(event, Update) else type(event).__name__
        metrics.UPDATES.labels(update_type).inc()
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            metrics.UPDATE_SECONDS.observe(time.perf_counter() - started)
            if task is not None:
                self.in_flight.discard(task)

    async def drain(self) -> None:
        """Wait for the updates being handled (the polling loop has stopped taking new ones)."""
        current = asyncio.current_task()
        pending = [task for task in self.in_flight if task is not current]
        if pending:
            await asyncio.wait(pending, timeout=UPDATE_DRAIN_SECONDS)
