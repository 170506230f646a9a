"""Documents the bot makes itself (a claim's history, a payouts statement): PDF with fpdf2 in
DejaVu Sans (`assets/fonts/`, with its licence), so Cyrillic is embedded and extracts as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FONT = "DejaVuSans"


class ReportPdf:
    """A titled A4 document of paragraphs and tables, in the order they are added."""

    def __init__(self, title: str) -> None:
        self._pdf = FPDF(format="A4")
        self._pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self._pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self._pdf.set_title(title)
        self._pdf.set_auto_page_break(auto=True, margin=15)
        self._pdf.add_page()
        self._pdf.set_font(FONT, "B", 14)
        self._pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(2)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        self._pdf.set_font(FONT, "B" if bold else "", 10)
        self._pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(1)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[int] | None = None,
    ) -> None:
        self._pdf.set_font(FONT, "", 9)
        with self._pdf.table(
            col_widths=tuple(widths) if widths else None,
            headings_style=FontFace(emphasis="BOLD"),
            line_height=5,
        ) as table:
            for cells in (header, *rows):
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        self._pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self._pdf.output())
