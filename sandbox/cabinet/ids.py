"""Identifiers: self-checking customer ids, stable ids for demo objects, random ids for new ones.

A customer id is `cus_` + 8 hex digits derived from the identity + 4 hex digits of checksum.
Any id whose checksum is right is a known customer, so the portfolio can be rebuilt from the
id alone: the bot's linked users keep working after the sandbox restarts, and nothing of the
identity (let alone personal data) needs to be stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets

#: Reserved identities (any provider): "not a customer" (404) and "several customers" (409).
NOT_A_CUSTOMER_SUBJECT = "1000000404"
AMBIGUOUS_CUSTOMER_SUBJECT = "1000000409"

#: The customer of the contract's examples, known to the sandbox so that they work as written.
EXAMPLE_CUSTOMER_ID = "cus_7f3a9c1e"

_CUSTOMER_ID = re.compile(r"^cus_([0-9a-f]{8})([0-9a-f]{4})$")


def _hex(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _checksum(root: str) -> str:
    return _hex(f"sandbox-cabinet:{root}", 4)


def customer_id_for(provider: str, subject: str) -> str:
    root = _hex(f"{provider}:{subject}", 8)
    return f"cus_{root}{_checksum(root)}"


def is_customer_id(customer_id: str) -> bool:
    if customer_id == EXAMPLE_CUSTOMER_ID:
        return True
    match = _CUSTOMER_ID.match(customer_id)
    return match is not None and _checksum(match[1]) == match[2]


def stable_id(prefix: str, *parts: str) -> str:
    """The same id for the same demo object on every (re)materialisation."""
    return f"{prefix}_{_hex(':'.join(parts), 10)}"


def new_id(prefix: str) -> str:
    """An unguessable id for an object created at run time (a payment link is a credential)."""
    return f"{prefix}_{secrets.token_hex(8)}"
