"""A sandbox of the insurer's personal cabinet: the contract `cabinet/openapi.yaml` over HTTP,
with deterministic demo customers, an operator console that changes their claims, orders and
policies, and signed events pushed to the bot — a runnable stand-in for the back office.

It imports nothing of the bot: it stands for someone else's system and speaks only HTTP.
The operator console has no authentication: never expose the sandbox in production.
"""

from sandbox.cabinet.app import create_app
from sandbox.cabinet.config import SandboxConfig
from sandbox.cabinet.ids import AMBIGUOUS_CUSTOMER_SUBJECT, NOT_A_CUSTOMER_SUBJECT

__all__ = ["AMBIGUOUS_CUSTOMER_SUBJECT", "NOT_A_CUSTOMER_SUBJECT", "SandboxConfig", "create_app"]
