"""The process's web server (PUBLIC_URL, WEB_*, RATE_LIMIT_*, TRUSTED_PROXIES)."""

from __future__ import annotations

from ipaddress import ip_network
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from bot.config.parts import Part, http_url, split_csv


class WebSettings(Part):
    """Where browsers reach the app and where it listens; per client IP and minute (shared by
    every replica), how many requests the linking pages and the cabinet's events may make —
    the IP is the peer's, or the one a proxy in TRUSTED_PROXIES puts in X-Forwarded-For."""

    public_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    rate_limit_link: int = Field(default=30, ge=1)
    rate_limit_events: int = Field(default=6000, ge=1)  # the cabinet's signed events
    rate_limit_events_refused: int = Field(default=60, ge=1)  # unsigned, forged, too large
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    _public_url = field_validator("public_url")(http_url)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return split_csv(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                network = ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
            if network.prefixlen == 0:  # every client could name its own address
                raise ValueError(f"{item!r} would trust everyone; list your proxies")
        return value
