"""Prometheus metrics, served at /metrics."""

from prometheus_client import Counter, Histogram

UPDATES = Counter("cabinet_updates_total", "Telegram updates received", ["type"])
UPDATE_SECONDS = Histogram(
    "cabinet_update_seconds",
    "Time to handle one update",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ERRORS = Counter("cabinet_errors_total", "Unhandled errors while handling updates")
UPDATES_UNREADABLE = Counter(
    "cabinet_updates_unreadable_total", "Updates from Telegram that could not be parsed (skipped)"
)
BAD_REQUESTS = Counter(
    "cabinet_bad_requests_total", "Malformed HTTP requests answered 400 (logged as warnings)"
)
REDIS_UNAVAILABLE = Counter(
    "cabinet_redis_unavailable_total",
    "Updates and requests that found Redis unavailable (each attempt of an update counts)",
    ["where"],
)
FLOOD_DROPPED = Counter("cabinet_flood_dropped_total", "Updates dropped by flood control")
WEBHOOK_REFUSED = Counter(
    "cabinet_webhook_refused_total",
    "Requests to a messenger's webhook refused for a wrong or missing secret (401)",
    ["messenger"],
)

# The delivery engine's own (outbox depth, sends, 429s) are in `notify/metrics.py`.
