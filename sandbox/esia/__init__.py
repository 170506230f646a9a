"""A sandbox of ESIA («Госуслуги»), the Russian state identity provider: the OAuth 2.0 /
OpenID Connect profile the bot's `esia` provider speaks (`/aas/oauth2/v2/ac`,
`/aas/oauth2/v3/te`, `/rs/prns/{oid}`, `ESIA-0070xx` errors), with test citizens to sign in
as, a consent page, and switches that simulate errors and downtime.

`client_secret` is checked as the development signer makes it (an HMAC with a published key),
never as a real GOST signature: the sandbox stands in for ESIA in development and tests only.
It imports nothing of the bot: it stands for someone else's system and speaks only HTTP.
The switches and stats have no authentication: never expose the sandbox in production.
"""

from sandbox.esia.app import create_app, public_jwks
from sandbox.esia.citizens import AMBIGUOUS_CUSTOMER_OID, CITIZENS, NOT_A_CUSTOMER_OID, Citizen
from sandbox.esia.config import EsiaSandboxConfig

__all__ = [
    "AMBIGUOUS_CUSTOMER_OID",
    "CITIZENS",
    "NOT_A_CUSTOMER_OID",
    "Citizen",
    "EsiaSandboxConfig",
    "create_app",
    "public_jwks",
]
