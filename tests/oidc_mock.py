"""oidc-provider-mock, a third-party OpenID provider from PyPI, for tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from oidc_provider_mock import User, run_server_in_thread  # type: ignore[import-untyped]

TRUSTED = User(
    sub="alice",
    claims={
        "trusted": True,
        "given_name": "Алиса",
        "family_name": "Смирнова",
        "birthdate": "1990-02-03",
        "snils": "145-978-312 08",
    },
)
PLAIN = User(sub="bob", claims={"email": "bob@example.org"})


@pytest.fixture(scope="module")
def oidc_issuer() -> Iterator[str]:
    """oidc-provider-mock (a Flask app) on a thread: any client id and secret, nonce required,
    two predefined users; the issuer is the URL it is reached at."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on 127.0.0.1
        with run_server_in_thread(require_nonce=True, user_claims=[TRUSTED, PLAIN]) as server:
            yield f"http://127.0.0.1:{server.server_port}"
