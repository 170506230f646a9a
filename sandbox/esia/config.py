"""What a sandbox ESIA needs to know about where it runs and whom it serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class EsiaSandboxConfig:
    #: Absolute URL where browsers reach this app's root, no trailing slash, e.g.
    #: "http://127.0.0.1:8080/sandbox/esia".
    public_url: str
    #: The one registered client system (ESIA calls it the system's mnemonic).
    client_id: str = "CABINET-BOT"
    #: The redirect URIs registered for the client (exact match); empty: any http(s) URL.
    redirect_uris: tuple[str, ...] = ()
    #: `iss` of the tokens; None: f"{public_url}/" (ESIA's own issuer ends with a slash).
    issuer: str | None = None
    #: RSA private key (PEM) for RS256; None: a fresh 2048-bit key per application.
    signing_key_pem: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("public_url must be an absolute http(s) URL")
        if self.public_url.endswith("/"):
            raise ValueError("public_url must not end with a slash")
        if isinstance(self.redirect_uris, str):
            raise ValueError("redirect_uris must be a tuple of URIs, not one string")

    @property
    def token_issuer(self) -> str:
        return self.issuer if self.issuer is not None else f"{self.public_url}/"
