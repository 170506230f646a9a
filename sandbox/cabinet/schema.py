"""The contract (`cabinet/openapi.yaml`) as the source of truth for routes and validation.

The sandbox reads the same file the bot's client is written against: its operations give the
routes (method, path, operationId), their parameters and request bodies are validated with
JSON Schema Draft 2020-12 through a `referencing` registry over the whole document, so every
`$ref` resolves as in the contract. Tests use :func:`response_validator` to check answers
against the documented response schemas.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sandbox.cabinet.problems import FieldError
from sandbox.cabinet.texts import Text

CONTRACT_PATH = Path(__file__).resolve().parents[2] / "cabinet" / "openapi.yaml"
CONTRACT_URI = "urn:cabinet-bot:openapi"
METHODS = ("get", "put", "post", "delete", "patch")

_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)

#: jsonschema checks `date` and `uuid` by itself; `date-time` and `uri` need optional
#: packages we do not install, so they are checked here (strictly enough for RFC 3339 "Z").
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    dt.datetime.fromisoformat(value)
    return True


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@functools.cache
def contract() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))
    return document


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource(contract())
    registry: Registry[Any] = Registry().with_resource(CONTRACT_URI, resource)
    return registry


def pointer_to(*tokens: str) -> str:
    """`#/a/b~1c` for the tokens `a`, `b/c` (RFC 6901 escaping)."""
    return "#/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens)


@functools.cache
def validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` (`#/components/schemas/Event`) in the contract."""
    return Draft202012Validator(
        {"$ref": CONTRACT_URI + pointer}, registry=_registry(), format_checker=FORMATS
    )


def standalone_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for a schema of the sandbox's own (operator API), with the same formats."""
    return Draft202012Validator(schema, format_checker=FORMATS)


def at(pointer: str) -> Any:
    """The node of the contract at a local pointer (`#/components/schemas/Id`)."""
    node: Any = contract()
    for token in pointer.removeprefix("#/").split("/"):
        key = token.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]  # an inline parameter
    return node


def _resolve(node: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None]:
    """Follow a local `$ref` of an OpenAPI object; also return the pointer it came from."""
    ref = node.get("$ref")
    if ref is None:
        return node, None
    return at(ref), ref


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    schema_pointer: str

    @property
    def schema(self) -> Mapping[str, Any]:
        """The parameter's schema, local `$ref`s followed (for its `type` and `default`)."""
        schema: Mapping[str, Any] = at(self.schema_pointer)
        while "$ref" in schema:
            schema = at(schema["$ref"])
        return schema


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body_pointer: str | None

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def _parameters(nodes: list[Any], base: tuple[str, ...]) -> Iterator[Parameter]:
    for index, node in enumerate(nodes):
        spec, ref = _resolve(node)
        where = ref or pointer_to(*base, str(index))
        yield Parameter(spec["name"], spec["in"], bool(spec.get("required")), where + "/schema")


def _operation(path: str, method: str) -> Operation:
    item = contract()["paths"][path]
    spec = item[method]
    shared = list(_parameters(item.get("parameters", []), ("paths", path, "parameters")))
    own = list(_parameters(spec.get("parameters", []), ("paths", path, method, "parameters")))
    names = {p.name for p in own}
    body_pointer = None
    content = spec.get("requestBody", {}).get("content", {})
    if content:
        media_type = next(iter(content))
        body_pointer = pointer_to("paths", path, method, "requestBody", "content", media_type)
        body_pointer += "/schema"
    return Operation(
        operation_id=spec["operationId"],
        method=method.upper(),
        path=path,
        parameters=tuple([p for p in shared if p.name not in names] + own),
        body_pointer=body_pointer,
    )


@functools.cache
def operations() -> dict[str, Operation]:
    """Every operation under `paths`, by operationId (webhooks are the bot's, not ours)."""
    found = {}
    for path, item in contract()["paths"].items():
        for method in METHODS:
            if method in item:
                operation = _operation(path, method)
                found[operation.operation_id] = operation
    return found


def response_validator(
    operation_id: str, status: int, content_type: str = "application/json"
) -> Draft202012Validator:
    """The documented schema of one response of an operation (for tests)."""
    operation = operations()[operation_id]
    responses = contract()["paths"][operation.path][operation.method.lower()]["responses"]
    node, ref = _resolve(responses[str(status)])
    if ref is None:
        ref = pointer_to("paths", operation.path, operation.method.lower(), "responses")
        ref += "/" + str(status)
    if content_type not in node.get("content", {}):
        raise KeyError(f"{operation_id} {status} documents no {content_type} body")
    return validator(ref + "/content/" + content_type.replace("/", "~1") + "/schema")


# ----------------------------------------------------------------------------- error details

_DETAILS: dict[str, Text] = {
    "required": Text("Обязательное поле.", "This field is required."),
    "additionalProperties": Text("Неизвестное поле.", "Unknown field."),
    "type": Text("Неверный тип значения.", "Wrong value type."),
    "enum": Text("Недопустимое значение.", "Value not allowed."),
    "const": Text("Недопустимое значение.", "Value not allowed."),
    "minLength": Text("Значение слишком короткое.", "The value is too short."),
    "maxLength": Text("Значение слишком длинное.", "The value is too long."),
    "minimum": Text("Значение слишком маленькое.", "The value is too small."),
    "maximum": Text("Значение слишком большое.", "The value is too large."),
    "minItems": Text("Слишком мало элементов.", "Too few items."),
    "pattern": Text("Значение не соответствует формату.", "The value does not match the format."),
    "format": Text("Неверный формат ({format}).", "Invalid format ({format})."),
}
_FALLBACK = Text("Недопустимое значение.", "Invalid value.")


def _json_pointer(path: Iterator[Any] | Any) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in path)


def _field_errors_of(error: ValidationError) -> Iterator[tuple[str, Text]]:
    """(JSON pointer, detail) pairs: `required` and `additionalProperties` name the field."""
    base = _json_pointer(error.absolute_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        for name in cast(list[str], error.validator_value):
            if name not in instance:
                yield f"{base}/{name}", _DETAILS["required"]
        return
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        for name in instance:
            if name not in known:
                yield _json_pointer([*error.absolute_path, name]), _DETAILS["additionalProperties"]
        return
    detail = _DETAILS.get(str(error.validator), _FALLBACK)
    if error.validator == "format":
        detail = detail.format(format=error.validator_value)
    yield base, detail


def body_errors(checker: Draft202012Validator, instance: Any) -> list[FieldError]:
    """Schema violations of a request body, as the problem's `errors` (JSON pointers)."""
    found = []
    for error in sorted(
        checker.iter_errors(instance), key=lambda e: _json_pointer(e.absolute_path)
    ):
        found += [FieldError(detail, pointer=ptr) for ptr, detail in _field_errors_of(error)]
    return found


def value_errors(checker: Draft202012Validator, value: Any) -> list[Text]:
    """Why a single value (a parameter) violates its schema."""
    return [detail for error in checker.iter_errors(value) for _, detail in _field_errors_of(error)]
