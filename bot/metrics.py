"""Prometheus metrics, served at /metrics."""

from prometheus_client import Counter, Histogram

UPDATES = Counter("cabinet_updates_total", "Telegram updates received", ["type"])
UPDATE_SECONDS = Histogram(
    "cabinet_update_seconds",
    "Time to handle one update",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ERRORS = Counter("cabinet_errors_total", "Unhandled errors while handling updates")
FLOOD_DROPPED = Counter("cabinet_flood_dropped_total", "Updates dropped by flood control")
