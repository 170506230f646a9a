"""Prometheus metrics of the delivery engine, served at /metrics with the bot's.

They live in `notify/` (not with the bot's in `bot/metrics.py`) so that a worker needs nothing
of the bot; both register in prometheus_client's default registry, which /metrics serves.
"""

from prometheus_client import Counter, Gauge, Histogram

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
