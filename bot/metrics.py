"""Prometheus metrics, served at /metrics."""

from prometheus_client import Counter, Gauge, Histogram

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
    "Requests to the Telegram webhook refused for a wrong or missing secret (401)",
)

# The delivery engine (notify/worker.py).
OUTBOX_DEPTH = Gauge(
    "cabinet_outbox_depth", "Outbox rows by status (refreshed by the workers)", ["status"]
)
OUTBOX_SENDS = Counter(
    "cabinet_outbox_sends_total",
    "Outbox send attempts by result (sent, retry, rate_limited, dead, blocked)",
    ["result"],
)
OUTBOX_429 = Counter("cabinet_outbox_429_total", "429 Too Many Requests answers from Telegram")
OUTBOX_REDELIVERED = Counter(
    "cabinet_outbox_redelivered_total",
    "Rows taken again after a worker died while sending them: possibly delivered twice",
)
OUTBOX_SEND_SECONDS = Histogram(
    "cabinet_outbox_send_seconds",
    "Time of one Bot API send call",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
