"""Request bodies read within limits, and files told by their first bytes, not their names.

Bodies are streamed here rather than read with `request.read()`, so the limits are the
contract's whatever `client_max_size` the application the sandbox is mounted in has: a file
over 5 242 880 bytes is refused with a 413 problem as soon as that many bytes have arrived
(or at once, from `Content-Length`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, StreamReader, web
from aiohttp.http_exceptions import BadHttpMessage

from sandbox.cabinet.problems import FieldError, ProblemError
from sandbox.cabinet.texts import Text

FILE_LIMIT = 5_242_880
#: The base64 text of a FILE_LIMIT-byte file (the contract's `content_base64` maxLength).
BASE64_LIMIT = math.ceil(FILE_LIMIT / 3) * 4
#: A JSON body: room for a feedback with the largest screenshot.
JSON_LIMIT = BASE64_LIMIT + 64 * 1024
#: Multipart headers and boundaries around the one file.
MULTIPART_OVERHEAD = 64 * 1024
CHUNK = 64 * 1024

_SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
DOCUMENT_TYPES = tuple(_SIGNATURES)

_FILE_TOO_LARGE = Text("Размер файла не должен превышать 5 МБ.", "Files are limited to 5 MB.")
_BODY_TOO_LARGE = Text("Тело запроса слишком большое.", "The request body is too large.")
_WRONG_TYPE = Text("Допустимы файлы PDF, JPG и PNG.", "Only PDF, JPG and PNG files are accepted.")


def sniff(data: bytes) -> str | None:
    """The media type the content really has (of the ones we accept), or None."""
    return next((kind for kind, magic in _SIGNATURES.items() if data.startswith(magic)), None)


def _bad_request(detail: Text) -> ProblemError:
    return ProblemError("bad_request", detail)


async def _read_limited(stream: StreamReader, limit: int, too_large: Text) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ProblemError("payload_too_large", too_large)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: web.Request) -> tuple[Any, bytes]:
    """The parsed JSON body and its bytes: 415 unless JSON, 413 when too large, 400 if broken."""
    if request.content_type != "application/json" and not request.content_type.endswith("+json"):
        raise ProblemError(
            "unsupported_media_type",
            Text("Тело запроса должно быть в формате JSON.", "The request body must be JSON."),
        )
    if (request.content_length or 0) > JSON_LIMIT:
        raise ProblemError("payload_too_large", _BODY_TOO_LARGE)
    raw = await _read_limited(request.content, JSON_LIMIT, _BODY_TOO_LARGE)
    try:
        body = json.loads(raw)
        # Lone surrogates ("\ud800") parse, but could be neither stored nor echoed as UTF-8.
        json.dumps(body, ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        raise _bad_request(
            Text("Тело запроса — некорректный JSON.", "The request body is not valid JSON.")
        ) from None
    return body, raw


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    data: bytes


def _invalid_upload(detail: Text, pointer: str = "/file") -> ProblemError:
    return ProblemError("validation_failed", detail, [FieldError(detail, pointer=pointer)])


async def _read_file_part(part: BodyPartReader) -> Upload:
    declared = part.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if declared not in DOCUMENT_TYPES:
        raise ProblemError("unsupported_media_type", _WRONG_TYPE)
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(CHUNK):
        size += len(chunk)
        if size > FILE_LIMIT:
            raise ProblemError("payload_too_large", _FILE_TOO_LARGE)
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise _invalid_upload(Text("Файл пустой.", "The file is empty."))
    if sniff(data) != declared:
        raise ProblemError("unsupported_media_type", _WRONG_TYPE)
    if not part.filename:
        raise _invalid_upload(Text("У файла нет имени.", "The file has no name."))
    return Upload(part.filename, declared, data)


async def read_upload(request: web.Request) -> Upload:
    """The one `file` part of a multipart/form-data body (contract: uploadClaimDocument)."""
    if request.content_type != "multipart/form-data":
        raise ProblemError(
            "unsupported_media_type",
            Text("Ожидается multipart/form-data.", "multipart/form-data is expected."),
        )
    if (request.content_length or 0) > FILE_LIMIT + MULTIPART_OVERHEAD:
        raise ProblemError("payload_too_large", _FILE_TOO_LARGE)
    upload = None
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name != "file" or upload:
                raise _invalid_upload(
                    Text(
                        "Ожидается ровно одна часть file.", "Exactly one part `file` is expected."
                    ),
                    pointer=f"/{part.name or ''}" if isinstance(part, BodyPartReader) else "/",
                )
            upload = await _read_file_part(part)
    except (ValueError, AssertionError, RuntimeError, BadHttpMessage):
        # BadHttpMessage: a part's headers garbled (aiohttp's InvalidHeader).
        raise _bad_request(
            Text("Некорректное тело multipart.", "The multipart body is malformed.")
        ) from None
    if upload is None:
        raise _invalid_upload(Text("Нет части file.", "The part `file` is missing."))
    return upload


def refuse_oversized(encoded: object) -> None:
    """413 for base64 text longer than that of a 5 MB file (the contract wants 413, not 422)."""
    if isinstance(encoded, str) and len(encoded) > BASE64_LIMIT:
        raise ProblemError("payload_too_large", _FILE_TOO_LARGE)


def decode_image(encoded: str, declared: str) -> bytes:
    """A feedback screenshot: 413 over 5 MB, 422 unless it really is the JPEG/PNG declared."""
    pointer = "/attachment/content_base64"
    refuse_oversized(encoded)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid_upload(Text("Некорректный base64.", "Invalid base64."), pointer) from None
    if len(data) > FILE_LIMIT:
        raise ProblemError("payload_too_large", _FILE_TOO_LARGE)
    if not data or sniff(data) != declared:
        raise _invalid_upload(
            Text(
                "Вложение должно быть изображением JPEG или PNG указанного типа.",
                "The attachment must be a JPEG or PNG image of the declared type.",
            ),
            pointer,
        )
    return data
