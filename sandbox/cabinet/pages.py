"""HTML pages: the operator's console and the payment page a customer opens from Telegram.

Plain server-rendered HTML: every value escaped, no scripts, forms that POST to this app
only (`form-action 'self'`), nothing leaked through the referrer. Links and form actions are
absolute paths built by the router, so they stay right when the sandbox is mounted under a
prefix.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from aiohttp import web

from sandbox.cabinet.cabinet import CERTIFICATE_TRANSITIONS, EXPIRING_DAYS
from sandbox.cabinet.contacts import OTHER_SOURCES, ContactValue, SentMessage
from sandbox.cabinet.dates import format_ru
from sandbox.cabinet.documents import SentEmail
from sandbox.cabinet.events import Delivery
from sandbox.cabinet.model import (
    CLAIM_TRANSITIONS,
    Customer,
    InstallmentPayment,
    Policy,
    RenewalOrder,
    instant,
)
from sandbox.cabinet.pdf import rubles
from sandbox.cabinet.policy_changes import PolicyChange
from sandbox.cabinet.products import PolicyOrder
from sandbox.cabinet.state import SandboxState

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-top:1px solid #ccc;padding-top:12px}
h3{font-size:15px;margin:16px 0 6px}table{border-collapse:collapse;width:100%;margin-bottom:8px}
td,th{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;font-size:13px}
form{display:inline}input,select,button{font:inherit;font-size:13px}
.note{background:#fff4d6;padding:8px 12px;border-radius:6px}
.pay{max-width:420px;margin:40px auto;text-align:center}
.pay button{font-size:18px;padding:10px 28px}
.amount{font-size:28px;font-weight:600;margin:16px 0}
"""

#: Builds the path of a named route: `url("pay", order_id="ord_...")`.
UrlFor = Callable[..., str]


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str, status: int = 200) -> web.Response:
    document = (
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
    return web.Response(
        text=document, content_type="text/html", status=status, headers=SECURITY_HEADERS
    )


def message_page(title: str, text: str, back: str | None = None, status: int = 200) -> web.Response:
    link = f"<p><a href='{escape(back)}'>Назад</a></p>" if back else ""
    return page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{link}", status)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are HTML already (escaped values and forms)."""
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _form(action: str, button: str, *fields: str) -> str:
    return (
        f"<form method='post' action='{escape(action)}'>{''.join(fields)}"
        f"<button type='submit'>{escape(button)}</button></form>"
    )


def _select(name: str, options: Iterable[tuple[str, str]]) -> str:
    items = "".join(f"<option value='{escape(v)}'>{escape(label)}</option>" for v, label in options)
    return f"<select name='{escape(name)}'>{items}</select>"


def _input(name: str, placeholder: str, value: str = "", kind: str = "text") -> str:
    step = " step='any' min='0'" if kind == "number" else ""
    return (
        f"<input type='{kind}' name='{escape(name)}' placeholder='{escape(placeholder)}'"
        f" value='{escape(value)}'{step}>"
    )


# ----------------------------------------------------------------------------- operator


def _switches(state: SandboxState, url: UrlFor) -> str:
    switches = state.switches
    checked = " checked" if switches.down else ""
    fields = (
        "latency_ms " + _input("latency_ms", "0", str(switches.latency_ms), "number"),
        " error_rate " + _input("error_rate", "0", str(switches.error_rate), "number"),
        f" <label><input type='checkbox' name='down' value='on'{checked}> down</label>",
        " fail_next " + _input("fail_next", "0", str(switches.fail_next), "number"),
        " lose_next " + _input("lose_next", "0", str(switches.lose_next), "number"),
        " refuse_next " + _input("refuse_next", "0", str(switches.refuse_next), "number"),
        " ",
    )
    stats = state.outbox.stats()
    return (
        "<h2>Переключатели /v1</h2>"
        + _form(url("operator-switches"), "Применить", *fields)
        + f"<p>Запросов к /v1: {state.requests}. События: ожидают {stats['pending']}, "
        f"доставлены {stats['delivered']}, попыток {stats['attempts']}.</p>"
    )


def _policies(customer: Customer, url: UrlFor) -> str:
    rows = [
        (
            escape(p.number),
            escape(p.title),
            escape(p.status),
            escape(format_ru(p.ends_on)),
            "да" if p.renewable else "нет",
            _form(
                url("operator-policy-expiring", policy_id=p.id),
                "Скоро истекает",
                _select("days_left", [(str(d), f"через {d} дн.") for d in EXPIRING_DAYS]),
                " ",
            )
            + "<br>"
            + _form(
                url("operator-policy-refund", policy_id=p.id),
                "Вернуть премию",
                _input("amount", "сумма, ₽"),
                " ",
                _input("reason", "почему: исключён водитель"),
                " ",
            ),
            _installments(p, url),
        )
        for p in customer.policies.values()
    ]
    return "<h3>Полисы</h3>" + _table(
        ("Номер", "Полис", "Статус", "Действует до", "Продление", "Действие", "Взносы"), rows
    )


def _installments(policy: Policy, url: UrlFor) -> str:
    """The schedule, and a reminder (or an overdue notice) about the next unpaid installment."""
    lines = "<br>".join(
        f"№ {i.number}: {escape(rubles(i.amount))} до {escape(format_ru(i.due_on))}"
        + (f" — оплачен {escape(format_ru(i.paid_on))}" if i.paid_on else "")
        for i in policy.schedule
    )
    if policy.next_due is None:
        return lines
    return (
        lines
        + "<br>"
        + _form(
            url("operator-policy-payment-due", policy_id=policy.id),
            "Напомнить об оплате",
            _input("days_left", "через дней", "3", "number"),
            " ",
        )
        + " "
        + _form(
            url("operator-policy-payment-due", policy_id=policy.id),
            "Просрочить",
            _input("overdue_days", "на дней", "1", "number"),
            " ",
        )
    )


def _installment_payments(customer: Customer, url: UrlFor) -> str:
    rows = [
        (
            f"<a href='{escape(url('pay', order_id=p.id))}'>{escape(p.id)}</a>",
            escape(customer.policies[p.policy_id].number),
            f"№ {p.installment.number}",
            escape(rubles(p.installment.amount)),
            escape(p.status),
            escape(instant(p.expires_at)),
            _form(url("operator-payment-pay", payment_id=p.id), "Отметить оплату")
            + " "
            + _form(url("operator-payment-expire", payment_id=p.id), "Просрочить ссылку")
            if p.status == "awaiting_payment"
            else "",
        )
        for p in customer.installment_payments.values()
    ]
    if not rows:
        return ""
    return "<h3>Оплата взносов</h3>" + _table(
        ("Платёж", "Полис", "Взнос", "Сумма", "Статус", "Ссылка до", "Действие"), rows
    )


def _renewals(customer: Customer, url: UrlFor) -> str:
    quotes = [
        (
            escape(q.id),
            escape(customer.policies[q.policy_id].number),
            f"{q.term_months} мес.",
            escape(rubles(q.premium)),
            escape(instant(q.valid_until)),
            escape(q.order_id or "—"),
            "" if q.order_id else _form(url("operator-quote-expire", quote_id=q.id), "Просрочить"),
        )
        for q in customer.quotes.values()
    ]
    orders = [
        (
            f"<a href='{escape(url('pay', order_id=o.id))}'>{escape(o.id)}</a>",
            escape(customer.policies[o.quote.policy_id].number),
            escape(rubles(o.quote.premium)),
            escape(o.status),
            escape(instant(o.expires_at)),
            _form(url("operator-renewal-pay", order_id=o.id), "Отметить оплату")
            if o.status == "awaiting_payment"
            else "",
        )
        for o in customer.renewal_orders.values()
    ]
    if not quotes and not orders:
        return ""
    return (
        "<h3>Продления</h3>"
        + _table(("Расчёт", "Полис", "Срок", "Премия", "Действует до", "Заказ", ""), quotes)
        + _table(("Заказ", "Полис", "Сумма", "Статус", "Ссылка до", "Действие"), orders)
    )


def _policy_changes(state: SandboxState, customer: Customer, url: UrlFor) -> str:
    """Changes to policies: pay one, apply or reject one in review, let one expire."""
    cabinet = state.cabinet
    now = cabinet.now()

    def actions(change: PolicyChange) -> str:
        status = change.status_at(now)
        if status == "awaiting_payment":
            return _form(url("operator-payment-pay", payment_id=change.id), "Отметить оплату")
        if status == "in_review":
            return _form(
                url("operator-policy-change", change_id=change.id, action="apply"), "Применить"
            ) + _form(
                url("operator-policy-change", change_id=change.id, action="reject"), "Отклонить"
            )
        if status == "quoted":
            return _form(
                url("operator-policy-change", change_id=change.id, action="expire"), "Просрочить"
            )
        return ""

    rows = [
        (
            escape(c.id),
            escape(customer.policies[c.policy_id].number),
            escape(c.option.title.ru),
            escape(rubles(c.surcharge) if c.surcharge else f"−{rubles(c.refund)}"),
            escape(c.status_at(now)),
            actions(c),
        )
        for c in cabinet.policy_changes.get(customer.id, {}).values()
    ]
    if not rows:
        return ""
    return "<h3>Изменения полисов</h3>" + _table(
        ("Изменение", "Полис", "Что", "Разница", "Статус", "Действие"), rows
    )


def _new_policies(state: SandboxState, customer: Customer, url: UrlFor) -> str:
    """New policies bought online: the quotes (expire one) and the orders (mark one paid)."""
    cabinet = state.cabinet
    quotes = [
        (
            escape(q.id),
            escape(q.product.title.ru),
            escape(rubles(q.premium)),
            escape(instant(q.valid_until)),
            escape(q.order_id or "—"),
            ""
            if q.order_id
            else _form(url("operator-policy-quote-expire", quote_id=q.id), "Просрочить"),
        )
        for q in cabinet.policy_quotes.get(customer.id, {}).values()
    ]
    orders = [
        (
            f"<a href='{escape(url('pay', order_id=o.id))}'>{escape(o.id)}</a>",
            escape(o.quote.product.title.ru),
            escape(rubles(o.quote.premium)),
            escape(o.status),
            escape(instant(o.expires_at)),
            _form(url("operator-payment-pay", payment_id=o.id), "Отметить оплату")
            if o.status == "awaiting_payment"
            else escape(o.policy.number),
        )
        for o in cabinet.policy_orders.get(customer.id, {}).values()
    ]
    if not quotes and not orders:
        return ""
    return (
        "<h3>Новые полисы</h3>"
        + _table(("Расчёт", "Продукт", "Премия", "Действует до", "Заказ", ""), quotes)
        + _table(("Заказ", "Продукт", "Сумма", "Статус", "Ссылка до", "Действие"), orders)
    )


def _claims(customer: Customer, url: UrlFor) -> str:
    rows = []
    for claim in sorted(customer.claims.values(), key=lambda c: c.reported_on, reverse=True):
        allowed = CLAIM_TRANSITIONS[claim.status]
        action = ""
        if allowed:
            action = _form(
                url("operator-claim-advance", claim_id=claim.id),
                "Сменить статус",
                _select("status", [("", "следующий по модели"), *((s, s) for s in allowed)]),
                " ",
                _input("documents", "документы через ;"),
                " ",
                _input("reason", "причина отказа"),
                " ",
            )
        messages = "<br>".join(
            f"{'👤' if m.author == 'customer' else '🧑‍💼'} {escape(m.text)}"
            for m in claim.messages[-3:]
        )
        if not claim.final:
            action += "<br>" + _form(
                url("operator-claim-message", claim_id=claim.id),
                "Ответить клиенту",
                _input("text", "сообщение специалиста"),
                " ",
            )
        documents = "<br>".join(escape(d.name) for d in claim.documents)
        rows.append(
            (
                escape(claim.number),
                escape(claim.type),
                escape(claim.status),
                escape(format_ru(claim.reported_on)),
                documents,
                messages,
                action,
            )
        )
    return "<h3>Убытки</h3>" + _table(
        ("Номер", "Тип", "Статус", "Заявлен", "Документы", "Сообщения", "Действие"), rows
    )


def _certificates(customer: Customer, url: UrlFor) -> str:
    rows = []
    for order in sorted(
        customer.certificate_orders.values(), key=lambda o: o.created_at, reverse=True
    ):
        allowed = CERTIFICATE_TRANSITIONS[order.status]
        action = ""
        if allowed:
            action = _form(
                url("operator-certificate-advance", order_id=order.id),
                "Сменить статус",
                _select("status", [(s, s) for s in allowed]),
                " ",
                _input("reason", "причина отказа"),
                " ",
            )
        rows.append(
            (
                escape(order.number),
                escape(order.type),
                escape(order.status),
                escape(format_ru(order.expected_on)),
                action,
            )
        )
    return "<h3>Заказы справок</h3>" + _table(
        ("Номер", "Тип", "Статус", "Ожидается", "Действие"), rows
    )


def _personal_data(customer: Customer) -> str:
    """Requests under 152-ФЗ and channel consent withdrawals: what the insurer must act on."""
    if not customer.data_requests and not customer.consent_withdrawals:
        return ""
    kinds = {"copy": "копия данных", "correction": "исправление"}
    requests = [
        (
            escape(r.number),
            escape(kinds.get(r.kind, r.kind)),
            escape(r.description or ""),
            escape(format_ru(r.due_on)),
        )
        for r in customer.data_requests
    ]
    withdrawals = [
        (escape(w.channel), escape(w.withdrawn_at.isoformat()), escape(w.consent_version or ""))
        for w in customer.consent_withdrawals
    ]
    return (
        "<h3>Персональные данные</h3>"
        + _table(("Номер", "Запрос", "Что не так", "Ответить до"), requests)
        + _table(("Канал: согласие отозвано", "Когда", "Версия согласия"), withdrawals)
    )


#: Where the staff say the contact was changed (the event's `source`).
_SOURCES = {
    "website": "на сайте",
    "mobile_app": "в приложении",
    "office": "в офисе",
    "call_center": "по телефону",
}


def _contacts(customer: Customer, url: UrlFor) -> str:
    def shown(contact: ContactValue | None) -> str:
        if contact is None:
            return "—"
        return escape(contact.value) + ("" if contact.confirmed else " (не подтверждён)")

    rows = [
        (
            escape(change.kind),
            escape(change.value),
            escape(change.status),
            str(change.attempts_left),
            escape(instant(change.expires_at)),
            _form(url("operator-contact-change-expire", change_id=change.id), "Код истёк")
            if change.status == "pending"
            else "",
        )
        for change in customer.contact_changes.values()
    ]
    changes = (
        _table(("Что", "Новое значение", "Статус", "Попыток", "Код до", "Действие"), rows)
        if rows
        else ""
    )
    change = _form(
        url("operator-customer-contacts", customer_id=customer.id),
        "Изменить контакт",
        _select("kind", [("phone", "телефон"), ("email", "e-mail")]),
        " ",
        _input("value", "+79161234567 или name@mail.ru"),
        " ",
        _select("source", [(source, _SOURCES[source]) for source in OTHER_SOURCES]),
        " ",
    )
    return (
        f"<h3>Контакты</h3><p>Телефон: {shown(customer.phone)}<br>"
        f"E-mail: {shown(customer.email)}</p>{changes}"
        f"<p>Сотрудник меняет контакт (без кода; клиенту придёт «contacts.changed»): {change}</p>"
    )


def _sent(messages: Sequence[SentMessage]) -> str:
    rows = [
        (
            escape(instant(m.at)),
            escape(m.customer_id),
            "SMS" if m.channel == "sms" else "e-mail",
            escape(m.to),
            f"<strong>{escape(m.code)}</strong>",
        )
        for m in reversed(messages[-20:])
    ]
    return (
        "<h2>Отправленные SMS и письма (последние 20)</h2>"
        "<p>Песочница ничего не отправляет: коды подтверждения смены телефона и e-mail — "
        "здесь (и в <code>GET /operator/messages</code>).</p>"
        + _table(("Когда (UTC)", "Клиент", "Канал", "Кому", "Код"), rows)
    )


def _email(customer: Customer, url: UrlFor) -> str:
    """The customer's e-mail (documents are sent there only when it is confirmed)."""
    if customer.email is None:
        return "<p>E-mail для документов: нет</p>"
    checked = " checked" if customer.email.confirmed else ""
    form = _form(
        url("operator-customer-email", customer_id=customer.id),
        "Сохранить",
        f"<label><input type='checkbox' name='confirmed'{checked}> подтверждён</label> ",
    )
    return f"<p>E-mail для документов: {escape(customer.email.value)} {form}</p>"


def _emails(sent: Sequence[SentEmail]) -> str:
    rows = [
        (escape(instant(e.sent_at)), escape(e.customer_id), escape(e.document_id), escape(e.to))
        for e in reversed(sent[-50:])
    ]
    return "<h2>Отправленные документы (последние 50)</h2>" + _table(
        ("Когда", "Клиент", "Документ", "Кому"), rows
    )


def _events(deliveries: Sequence[Delivery]) -> str:
    rows = [
        (
            escape(d.event["occurred_at"]),
            escape(d.event["type"]),
            escape(d.event["customer_id"]),
            escape(d.status),
            str(d.attempts),
            escape(d.last_error or ""),
        )
        for d in reversed(deliveries[-50:])
    ]
    return "<h2>События (последние 50)</h2>" + _table(
        ("Когда", "Тип", "Клиент", "Доставка", "Попыток", "Последняя ошибка"), rows
    )


def operator_page(state: SandboxState, url: UrlFor) -> web.Response:
    customers = (
        "".join(
            f"<h2>Клиент {escape(c.id)} · {escape(c.holder.display_name)}</h2>"
            + _email(c, url)
            + _policies(c, url)
            + _renewals(c, url)
            + _new_policies(state, c, url)
            + _policy_changes(state, c, url)
            + _installment_payments(c, url)
            + _claims(c, url)
            + _certificates(c, url)
            + _personal_data(c)
            + _contacts(c, url)
            for c in state.cabinet.customers.values()
        )
        or "<p>Клиентов пока нет: они появляются, когда бот обращается к /v1.</p>"
    )
    body = (
        "<h1>Песочница кабинета — пульт оператора</h1>"
        "<p class='note'>Демонстрационные данные. Пульт открыт без входа: песочницу нельзя "
        "публиковать в продуктивной среде.</p>"
        + _switches(state, url)
        + _sent(state.cabinet.sent)
        + customers
        + _emails(state.cabinet.emails)
        + _events(state.outbox.deliveries)
    )
    return page("Пульт оператора", body)


# ----------------------------------------------------------------------------- payment


def pay_page(
    payment: RenewalOrder | InstallmentPayment | PolicyOrder | PolicyChange,
    policy: Policy,
    action: str,
    expired: bool,
) -> web.Response:
    """The payment page of a renewal order, of an installment, of a new policy or of a change
    to a policy."""
    if isinstance(payment, PolicyChange):
        title = "Оплата изменения полиса"
        what = (
            f"{escape(payment.option.title.ru)}, "
            f"действует с {escape(format_ru(payment.effective_from))}"
        )
        amount = payment.surcharge
        again = "Вернитесь в Telegram и рассчитайте изменение заново."
    elif isinstance(payment, PolicyOrder):
        title = "Оплата нового полиса"
        what = (
            f"Срок действия: с {escape(format_ru(policy.starts_on))} "
            f"по {escape(format_ru(policy.ends_on))}"
        )
        amount = policy.premium
        again = "Вернитесь в Telegram и оформите полис заново."
    elif isinstance(payment, RenewalOrder):
        title = "Оплата продления полиса"
        quote = payment.quote
        what = (
            f"Новый срок: с {escape(format_ru(quote.new_starts_on))} "
            f"по {escape(format_ru(quote.new_ends_on))}"
        )
        amount = quote.premium
        again = "Запросите новый расчёт в Telegram."
    else:
        title = "Оплата взноса по полису"
        installment = payment.installment
        due_on = escape(format_ru(installment.due_on))
        what = f"Взнос № {installment.number}, срок оплаты — {due_on}"
        amount = installment.amount
        again = "Вернитесь в Telegram и нажмите «Новая ссылка»."
    summary = (
        f"<p>{escape(policy.title)}<br>Полис № {escape(policy.number)}</p>"
        f"<p>{what}</p><div class='amount'>{escape(rubles(amount))}</div>"
    )
    paid = payment.status in {"paid", "in_review", "applied", "rejected"} or (
        isinstance(payment, InstallmentPayment) and payment.installment.paid_on is not None
    )
    if paid:
        body = f"<h1>{title}</h1>{summary}<p><strong>Оплачено — вернитесь в Telegram.</strong></p>"
    elif expired:
        body = f"<h1>{title}</h1>{summary}<p>Срок действия ссылки истёк. {again}</p>"
    else:
        body = f"<h1>{title}</h1>{summary}" + _form(action, "Оплатить")
    status = 410 if expired and not paid else 200
    return page(title, f"<div class='pay'>{body}</div>", status=status)


def terms_page(product: str) -> web.Response:
    """The product's terms a renewal quote links to (a stand-in for the insurer's PDF)."""
    title = f"Правила страхования: {product}"
    body = (
        f"<h1>{escape(title)}</h1><p class='note'>Демонстрационный текст песочницы.</p>"
        "<p>Страховщик обязуется при наступлении страхового случая произвести страховую "
        "выплату в пределах страховой суммы, а страхователь — уплатить страховую премию в "
        "сроки, установленные договором.</p>"
    )
    return page(title, body)
