"""A period's payouts: the presets, every payout of the period that passes the filter (a
status, a type; the cabinet's API is paged), the lines the chat shows, and the statement as
XLSX, PDF and (strict mode) a details page.

Everything here is made for one `Viewer`, so the chat (`bot/flows/payouts.py`), the documents
sent to it and the one-time `/d/{token}` pages show the same payouts, lines and total.

A payout is made under a claim, or — a premium refund (`premium_refund`) — under a policy: a
line names the one or the other (`basis`), and the statements have a column for each.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.reports import ReportPdf
from cabinet import Reading
from cabinet.models import Payout, PayoutStatus, PayoutType
from documents import File, Page, Ref, Renderer, Viewer

CABINET_PAGE_SIZE = 100  # the most the contract allows
CABINET_PAGES = 20  # 2000 payouts: far more than a person's period holds
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("date", "amount", "status", "recipient", "claim", "policy")
XLSX_WIDTHS = (12, 14, 16, 14, 20, 20)
PDF_WIDTHS = (20, 26, 24, 24, 34, 34)
AMOUNT_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date

    @classmethod
    def of(cls, ref: Ref) -> Period:
        return cls(dt.date.fromisoformat(ref["date_from"]), dt.date.fromisoformat(ref["date_to"]))

    def ref(self) -> dict[str, str]:
        return {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}

    def text(self, viewer: Viewer) -> str:
        return viewer.text("payouts-period", date_from=self.date_from, date_to=self.date_to)

    def filename(self, extension: str, suffix: str = "") -> str:
        dates = f"{self.date_from.isoformat()}-{self.date_to.isoformat()}"
        return f"payouts-{dates}{suffix}.{extension}"


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


PRESETS: dict[str, Callable[[dt.date], Period]] = {
    "this_year": lambda today: Period(dt.date(today.year, 1, 1), today),
    "last_year": lambda today: Period(
        dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    ),
    "last_12_months": lambda today: Period(_year_before(today) + dt.timedelta(days=1), today),
}
DEFAULT_PRESET = "this_year"


@dataclass(frozen=True)
class PayoutFilter:
    """Which payouts of the period are shown: one status, one type, or all of them. Made from
    user input (a button's id, a document's reference): anything unknown means "all"."""

    status: PayoutStatus | None = None
    kind: PayoutType | None = None

    @classmethod
    def of(cls, ref: Ref) -> PayoutFilter:
        status, kind = ref.get("status", ""), ref.get("type", "")
        return cls(
            PayoutStatus(status) if status in {s.value for s in PayoutStatus} else None,
            PayoutType(kind) if kind in {t.value for t in PayoutType} else None,
        )

    def ref(self) -> dict[str, str]:
        made = {}
        if self.status is not None:
            made["status"] = self.status.value
        if self.kind is not None:
            made["type"] = self.kind.value
        return made

    @property
    def on(self) -> bool:
        return self.status is not None or self.kind is not None

    @property
    def counted(self) -> PayoutStatus:
        """The status the total adds up: what reached the customer, unless the filter asks
        for another status (then the failed ones' total, say)."""
        return self.status or PayoutStatus.SENT

    def text(self, viewer: Viewer) -> str:
        """ "не прошла · возмещение расходов"; empty when no filter is on."""
        parts = []
        if self.status is not None:
            parts.append(viewer.plain(f"payout-status-{self.status.value}"))
        if self.kind is not None:
            parts.append(viewer.plain(f"payout-type-{self.kind.value}"))
        return " · ".join(parts)

    def suffix(self) -> str:
        return "".join(f"-{value}" for value in self.ref().values())


NO_FILTER = PayoutFilter()


def preset_period(preset: str, time_zone: str) -> Period:
    """The period of a preset as of today in the user's time zone."""
    return PRESETS[preset](dt.datetime.now(ZoneInfo(time_zone)).date())


@dataclass(frozen=True)
class Statement:
    period: Period
    reading: Reading[list[Payout]]
    chosen: PayoutFilter = NO_FILTER

    @property
    def payouts(self) -> list[Payout]:
        return self.reading.value

    @property
    def total(self) -> Decimal:
        """What reached the customer: sent payouts (a failed or returned one did not, and a
        scheduled one has not yet) — or, filtered by another status, that status's total."""
        counted = self.chosen.counted
        return sum((p.amount.amount for p in self.payouts if p.status is counted), Decimal(0))

    def title(self, viewer: Viewer) -> str:
        period = self.period.text(viewer)
        if self.chosen.on:
            return viewer.plain(
                "payouts-title-filtered", period=period, filter=self.chosen.text(viewer)
            )
        return viewer.plain("payouts-title", period=period)

    def filename(self, extension: str) -> str:
        return self.period.filename(extension, self.chosen.suffix())

    def total_text(self, viewer: Viewer) -> str:
        """The statement's last line: the total of the counted status and the count."""
        return viewer.plain(
            "payouts-statement-total",
            label=viewer.plain(f"payouts-total-label-{self.chosen.counted.value}"),
            count=len(self.payouts),
            total=self.total,
        )


async def statement(viewer: Viewer, period: Period, chosen: PayoutFilter = NO_FILTER) -> Statement:
    """Every payout of the period that passes the filter, newest first: the cabinet's pages up
    to its total. Stale when any page came from the cache, as of the oldest one."""
    payouts: list[Payout] = []
    readings = []
    for page in range(1, CABINET_PAGES + 1):
        reading = await viewer.cabinet.payouts(
            viewer.customer_id,
            date_from=period.date_from,
            date_to=period.date_to,
            status=chosen.status,
            kind=chosen.kind,
            page=page,
            page_size=CABINET_PAGE_SIZE,
            locale=viewer.locale,
        )
        readings.append(reading)
        payouts.extend(reading.value.items)
        if not reading.value.items or len(payouts) >= reading.value.total:
            break
    fetched_at = min(r.fetched_at for r in readings)
    return Statement(period, Reading(payouts, fetched_at, any(r.stale for r in readings)), chosen)


def status_text(viewer: Viewer, payout: Payout) -> str:
    return viewer.text(f"payout-status-{payout.status.value}")


def basis_number(payout: Payout) -> str:
    """The number of what the payout is made under: its claim's, or (a refund) its policy's."""
    return (payout.policy_number if payout.refund else payout.claim_number) or ""


def basis(viewer: Viewer, payout: Payout, *, number: str) -> str:
    """«обращение № …» or «возврат премии по полису № …», `number` as the chat may show it."""
    key = "payout-basis-refund" if payout.refund else "payout-basis-claim"
    return viewer.plain(key, number=number)


def payout_line(viewer: Viewer, payout: Payout, *, number: str, strict: bool) -> str:
    """One payout as the chat shows it; `strict` leaves out the amount and the recipient.
    `number`: its claim's or policy's number as the chat may show it (`basis_number`)."""
    if strict:
        return viewer.text(
            "payout-line-strict",
            paid_on=payout.paid_on,
            status=status_text(viewer, payout),
            basis=basis(viewer, payout, number=number),
        )
    return viewer.text(
        "payout-line",
        paid_on=payout.paid_on,
        amount=payout.amount.amount,
        status=status_text(viewer, payout),
        recipient=payout.recipient,  # masked by the cabinet: "•••• 1234"
        basis=basis(viewer, payout, number=number),
    )


def details_text(viewer: Viewer, statement: Statement) -> str:
    """All of the statement as a `full` chat shows it (there a page of lines at a time)."""
    lines = [
        payout_line(viewer, p, number=basis_number(p), strict=False) for p in statement.payouts
    ]
    heading = [viewer.text("payouts-heading", period=statement.period.text(viewer))]
    if statement.chosen.on:
        heading.append(viewer.text("payouts-filter-on", filter=statement.chosen.text(viewer)))
    return "\n\n".join(
        [
            "\n".join(heading),
            *(lines or [viewer.text("payouts-empty")]),
            viewer.text(
                "payouts-total",
                count=len(lines),
                total=statement.total,
                counted=viewer.plain(f"payouts-counted-{statement.chosen.counted.value}"),
            ),
        ]
    )


def _header(viewer: Viewer) -> list[str]:
    return [viewer.text(f"payouts-column-{column}") for column in COLUMNS]


def workbook(viewer: Viewer, statement: Statement) -> bytes:
    """Amounts as numbers and dates as dates, so the sheet sums and sorts; a totals row."""
    book = Workbook()
    sheet = book.active
    sheet.title = viewer.text("payouts-sheet")
    sheet.append([statement.title(viewer)])
    sheet.append(_header(viewer))
    for payout in statement.payouts:
        status = status_text(viewer, payout)
        sheet.append(
            [
                payout.paid_on,
                payout.amount.amount,
                status,
                payout.recipient,
                payout.claim_number,
                payout.policy_number,
            ]
        )
    label = viewer.plain(f"payouts-total-label-{statement.chosen.counted.value}")
    sheet.append([label, statement.total])
    last = sheet.max_row
    for row in (1, 2, last):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=3, max_row=last - 1, max_col=1):
        cell.number_format = viewer.text("payouts-xlsx-date-format")
    for (cell,) in sheet.iter_rows(min_row=3, max_row=last, min_col=2, max_col=2):
        cell.number_format = AMOUNT_FORMAT
    for letter, width in zip("ABCDEF", XLSX_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report(viewer: Viewer, statement: Statement) -> bytes:
    pdf = ReportPdf(statement.title(viewer))
    rows = [
        [
            viewer.text("payouts-date", d=p.paid_on),
            viewer.text("payouts-amount", amount=p.amount.amount),
            status_text(viewer, p),
            p.recipient,
            p.claim_number or "",
            p.policy_number or "",
        ]
        for p in statement.payouts
    ]
    if rows:
        pdf.table(_header(viewer), rows, widths=PDF_WIDTHS)
    else:
        pdf.paragraph(viewer.text("payouts-empty"))
    pdf.paragraph(statement.total_text(viewer), bold=True)
    return pdf.output()


async def _statement(viewer: Viewer, ref: Ref) -> Statement:
    return await statement(viewer, Period.of(ref), PayoutFilter.of(ref))


async def payouts_xlsx(viewer: Viewer, ref: Ref) -> File:
    made = await _statement(viewer, ref)
    return File(made.filename("xlsx"), workbook(viewer, made), XLSX)


async def payouts_pdf(viewer: Viewer, ref: Ref) -> File:
    made = await _statement(viewer, ref)
    return File(made.filename("pdf"), report(viewer, made), "application/pdf")


async def payouts_details(viewer: Viewer, ref: Ref) -> Page:
    made = await _statement(viewer, ref)
    return Page(made.title(viewer), details_text(viewer, made))


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "payouts-xlsx": payouts_xlsx,
    "payouts-pdf": payouts_pdf,
    "payouts-details": payouts_details,
}
