"""What an outbox row sends: a JSON payload, made when the row is enqueued, read by the
delivery port (`notify/ports/`) when it is sent.

```
{
  "text": "<b>HTML</b> in the recipient's language",      # the message, or a media caption
  "buttons": [[{"text": "...", "url": "https://..."}],     # an inline keyboard, rows of
              [{"text": "...", "callback_data": "..."}]],  #   URL or callback buttons
  "photo": "<file_id>", "document": "<file_id>",           # optional media (broadcasts)
  "file": {"kind": "certificate-pdf", "ref": {...},        # optional: a document made at
           "user_id": 1, "customer_id": "..."},            #   send time (`documents`)
  "paid": true                                             # optional: allow_paid_broadcast
}
```
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict, cast


class Button(TypedDict, total=False):
    text: str
    url: str
    callback_data: str


class FileRequest(TypedDict):
    kind: str
    ref: dict[str, str]
    user_id: int
    customer_id: str


class Payload(TypedDict):
    text: str
    buttons: NotRequired[list[list[Button]]]
    photo: NotRequired[str]
    document: NotRequired[str]
    file: NotRequired[FileRequest]
    paid: NotRequired[bool]


def as_payload(value: dict[str, Any]) -> Payload:
    """A stored payload, checked for what the sender needs."""
    if not isinstance(value.get("text"), str):
        raise ValueError("an outbox payload needs its text")
    return cast(Payload, value)
