"""The web server of the process: health, readiness and metrics (linking pages and the
events webhook join it in later issues)."""

from __future__ import annotations

import asyncio

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import ping

log = structlog.get_logger(__name__)

ENGINE = web.AppKey("engine", AsyncEngine)
REDIS = web.AppKey("redis", Redis)
READY_TIMEOUT = 2.0


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    names = ("database", "redis")
    results = await asyncio.gather(
        asyncio.wait_for(ping(request.app[ENGINE]), READY_TIMEOUT),
        asyncio.wait_for(request.app[REDIS].ping(), READY_TIMEOUT),
        return_exceptions=True,
    )
    report: dict[str, str] = {}
    for name, result in zip(names, results, strict=True):
        report[name] = "ok"
        if isinstance(result, BaseException):
            report[name] = "unavailable"
            log.warning("readiness_check_failed", check=name, error=type(result).__name__)
    ready = all(value == "ok" for value in report.values())
    return web.json_response(
        {"status": "ok" if ready else "unavailable", "checks": report},
        status=200 if ready else 503,
    )


async def metrics(_: web.Request) -> web.Response:
    response = web.Response(body=generate_latest())
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    return response


def create_web_app(*, engine: AsyncEngine, redis: Redis) -> web.Application:
    app = web.Application(client_max_size=1024**2)
    app[ENGINE] = engine
    app[REDIS] = redis
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app
