"""The insurer's cabinet: the contract (`openapi.yaml`), its typed models and the client."""

from cabinet.breaker import BreakerState, CircuitBreaker
from cabinet.cache import ReadCache
from cabinet.client import CabinetClient, Reading, new_idempotency_key
from cabinet.errors import CabinetError, CabinetNotFound, CabinetRejected, CabinetUnavailable

__all__ = [
    "BreakerState",
    "CabinetClient",
    "CabinetError",
    "CabinetNotFound",
    "CabinetRejected",
    "CabinetUnavailable",
    "CircuitBreaker",
    "ReadCache",
    "Reading",
    "new_idempotency_key",
]
