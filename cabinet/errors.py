"""The few ways a cabinet call fails, as the bot needs to tell them apart.

The bot turns each into one translated message; it never shows the cabinet's own `detail`.
"""

from __future__ import annotations


class CabinetError(Exception):
    """A cabinet call failed. `status` and `code` come from the problem document, if any.

    Raised as is for answers that mean a bug on one of the two sides (400, 401, an answer that
    does not match the contract): the bot reports those as incidents.
    """

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        #: The call read something (GET): nothing the person sent was lost with it.
        self.reading = False


class CabinetUnavailable(CabinetError):
    """The cabinet did not answer usefully in time: network error, timeout, 429 or 5xx after the
    retries, or the circuit breaker is open. Worth trying again later."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class CabinetNotFound(CabinetError):
    """404: the customer, or an object that does not exist or belongs to someone else."""


class CabinetRejected(CabinetError):
    """The cabinet understood the request and refused it (409, 413, 415, 422); `code` says why,
    e.g. `quote_expired`, `invalid_period`, `claim_closed`; a wrong confirmation code says how
    many attempts are left."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        attempts_left: int | None = None,
    ):
        super().__init__(message, status=status, code=code)
        self.attempts_left = attempts_left
