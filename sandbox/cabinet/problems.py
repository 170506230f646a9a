"""Errors as RFC 9457 problem documents with the contract's machine-readable codes.

Code anywhere in the sandbox raises :class:`ProblemError` with a code from :data:`KINDS` and a
detail in both languages; the middleware (or the idempotency runner, which must store 4xx
answers) turns it into `application/problem+json` in the caller's language. Details never
echo request values, so they cannot carry personal data.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

import structlog
from aiohttp import web

from sandbox.cabinet.texts import Lang, Text, language

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://cabinet-api.insurer.example/problems/"


@dataclass(frozen=True)
class Kind:
    status: int
    slug: str
    title: Text


_NOT_FOUND = Kind(404, "not-found", Text("Не найдено", "Not found"))
_INVALID = Kind(422, "validation-failed", Text("Ошибка в данных запроса", "Invalid request data"))

#: The contract's error catalogue, plus the codes it leaves open (405, 500, 502, operator 409).
KINDS: dict[str, Kind] = {
    "bad_request": Kind(400, "bad-request", Text("Некорректный запрос", "Bad request")),
    "idempotency_key_missing": Kind(
        400,
        "idempotency-key-missing",
        Text("Нет ключа идемпотентности", "Idempotency key missing"),
    ),
    "unauthorized": Kind(
        401, "unauthorized", Text("Требуется аутентификация", "Authentication required")
    ),
    "customer_not_found": _NOT_FOUND,
    "policy_not_found": _NOT_FOUND,
    "quote_not_found": _NOT_FOUND,
    "claim_not_found": _NOT_FOUND,
    "certificate_order_not_found": _NOT_FOUND,
    "payout_not_found": _NOT_FOUND,
    "draft_not_found": _NOT_FOUND,
    "contact_change_not_found": _NOT_FOUND,
    "document_not_found": _NOT_FOUND,
    "change_not_found": _NOT_FOUND,
    "not_found": _NOT_FOUND,
    "method_not_allowed": Kind(
        405, "method-not-allowed", Text("Метод не поддерживается", "Method not allowed")
    ),
    "idempotency_key_in_use": Kind(
        409, "idempotency-key-in-use", Text("Запрос уже выполняется", "Request in progress")
    ),
    "policy_not_renewable": Kind(
        409, "policy-not-renewable", Text("Продление недоступно", "Renewal not available")
    ),
    "quote_expired": Kind(409, "quote-expired", Text("Предложение устарело", "Quote expired")),
    "installment_paid": Kind(
        409, "installment-paid", Text("Взнос уже оплачен", "Installment already paid")
    ),
    "installment_not_due": Kind(
        409, "installment-not-due", Text("Сначала оплатите предыдущий взнос", "Installment not due")
    ),
    "quote_already_accepted": Kind(
        409, "quote-already-accepted", Text("Предложение уже принято", "Quote already accepted")
    ),
    "claim_closed": Kind(409, "claim-closed", Text("Убыток закрыт", "Claim closed")),
    "policy_not_claimable": Kind(
        409, "policy-not-claimable", Text("Заявить по полису нельзя", "Policy takes no claims")
    ),
    "too_many_files": Kind(409, "too-many-files", Text("Слишком много файлов", "Too many files")),
    "document_not_ready": Kind(
        409, "document-not-ready", Text("Документ ещё не готов", "Document not ready")
    ),
    "email_not_confirmed": Kind(
        409, "email-not-confirmed", Text("E-mail не подтверждён", "E-mail not confirmed")
    ),
    "document_not_emailable": Kind(
        409,
        "document-not-emailable",
        Text("Документ не отправляется по e-mail", "Document not sent by e-mail"),
    ),
    "ambiguous_customer": Kind(
        409,
        "ambiguous-customer",
        Text("Клиента нельзя определить однозначно", "Ambiguous customer"),
    ),
    "too_many_attempts": Kind(
        409, "too-many-attempts", Text("Попытки исчерпаны", "No attempts left")
    ),
    "code_expired": Kind(409, "code-expired", Text("Код устарел", "Code expired")),
    "change_in_progress": Kind(
        409, "change-in-progress", Text("Изменение уже в работе", "A change is in progress")
    ),
    "change_already_confirmed": Kind(
        409,
        "change-already-confirmed",
        Text("Изменение уже подтверждено", "Change already confirmed"),
    ),
    "invalid_transition": Kind(
        409, "invalid-transition", Text("Недопустимый переход", "Transition not allowed")
    ),
    "payload_too_large": Kind(
        413, "payload-too-large", Text("Файл слишком большой", "Payload too large")
    ),
    "unsupported_media_type": Kind(
        415,
        "unsupported-media-type",
        Text("Неподдерживаемый тип файла", "Unsupported media type"),
    ),
    "validation_failed": _INVALID,
    "term_not_available": _INVALID,
    "period_required": _INVALID,
    "invalid_period": _INVALID,
    "claim_type_not_available": _INVALID,
    "contact_unchanged": Kind(
        422, "contact-unchanged", Text("Контакт не изменился", "Contact unchanged")
    ),
    "wrong_code": Kind(422, "wrong-code", Text("Неверный код", "Wrong code")),
    "product_not_found": _INVALID,
    "change_not_available": _INVALID,
    "claim_incomplete": Kind(
        422, "claim-incomplete", Text("Заявление заполнено не полностью", "Claim incomplete")
    ),
    "idempotency_key_reused": Kind(
        422,
        "idempotency-key-reused",
        Text("Ключ идемпотентности уже использован", "Idempotency key already used"),
    ),
    "rate_limited": Kind(429, "rate-limited", Text("Слишком много запросов", "Too many requests")),
    "internal_error": Kind(500, "internal-error", Text("Внутренняя ошибка", "Internal error")),
    "bad_gateway": Kind(502, "bad-gateway", Text("Ошибка шлюза", "Bad gateway")),
    "unavailable": Kind(
        503, "unavailable", Text("Сервис временно недоступен", "Service unavailable")
    ),
}


@dataclass(frozen=True)
class FieldError:
    """One entry of a problem's `errors`: a body `pointer` or a `parameter`, and why."""

    detail: Text
    pointer: str | None = None
    parameter: str | None = None

    def render(self, lang: Lang) -> dict[str, str]:
        item = {"detail": self.detail(lang)}
        if self.pointer is not None:
            item["pointer"] = self.pointer
        if self.parameter is not None:
            item["parameter"] = self.parameter
        return item


@dataclass(eq=False)
class ProblemError(Exception):
    code: str
    detail: Text
    errors: Sequence[FieldError] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Extension members of the document (`attempts_left` of a wrong code).
    extra: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.code)

    @property
    def status(self) -> int:
        return KINDS[self.code].status


def problem_response(request: web.Request, problem: ProblemError) -> web.Response:
    kind = KINDS[problem.code]
    lang = language(request)
    document: dict[str, object] = {
        "type": TYPE_BASE + kind.slug,
        "title": kind.title(lang),
        "status": kind.status,
        "detail": problem.detail(lang),
        "instance": request.raw_path,
        "code": problem.code,
    }
    if problem.errors:
        document["errors"] = [error.render(lang) for error in problem.errors]
    document.update(problem.extra)
    return web.Response(
        status=kind.status,
        body=json.dumps(document, ensure_ascii=False).encode(),
        headers={"Content-Type": PROBLEM_JSON, **problem.headers},
    )


_HTTP_CODES = {
    404: ("not_found", Text("Такого адреса нет.", "There is no such address.")),
    405: ("method_not_allowed", Text("Метод не поддерживается.", "Method not allowed.")),
    413: (
        "payload_too_large",
        Text("Тело запроса слишком большое.", "The request body is too large."),
    ),
}


def from_http_exception(exc: web.HTTPException) -> ProblemError:
    """aiohttp's own errors (no route, wrong method, body too large) in the contract's shape."""
    code, detail = _HTTP_CODES.get(
        exc.status, ("bad_request", Text("Некорректный запрос.", "Bad request."))
    )
    headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
    return ProblemError(code, detail, headers=headers)


@web.middleware
async def problems_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Whatever goes wrong is answered as a problem document, never as aiohttp's HTML."""
    try:
        return await handler(request)
    except ProblemError as problem:
        return problem_response(request, problem)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return problem_response(request, from_http_exception(exc))
    except Exception:
        log.exception("sandbox_cabinet_failed", method=request.method, path=request.path)
        detail = Text("Внутренняя ошибка сервиса.", "Internal service error.")
        return problem_response(request, ProblemError("internal_error", detail))
