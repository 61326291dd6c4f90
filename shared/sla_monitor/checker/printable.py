"""Printable letters: a letter as an A4 PDF, for an officer to print and post to a customer who
has no email address.

The page is laid out for a DL window envelope (A4 folded in three): the customer's name and
address sit where the window shows them, the council's name and contact details top right.
The text is set in Noto Sans, embedded, because the PDF core fonts stop at Latin-1 and a letter
may be in Welsh (ŵ, ŷ) or to a Zoë Ó Súilleabháin. Nothing goes into the PDF but the words given
and the letter's own labels; nothing about the letter is logged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.fonts import TTFFont

from sla_monitor.calendar import LONDON
from sla_monitor.checker.messages import DEFAULT_LANGUAGE, long_date, primary_language

if TYPE_CHECKING:
    from sla_monitor.council import Council

FONTS = Path(__file__).with_name("fonts")
_FAMILY = "NotoSans"

# Millimetres on an A4 page (210 x 297).
_LEFT = 25.0
_RIGHT = 20.0
_TOP = 20.0  # of a page the letter runs on to
_HEADER_Y = 15.0
_BOTTOM = 25.0  # room for the footer
# Where the window of a DL envelope falls on an A4 sheet folded in three: an address block that
# starts 50 mm down and 25 mm in, no wider than 85 mm, shows whole through it.
_WINDOW_Y = 50.0
_WINDOW_WIDTH = 85.0
_WINDOW_HEIGHT = 40.0
_HEADER_WIDTH = 75.0
_BODY_LINE = 5.6
_PARAGRAPH_GAP = 3.4
_GREY = (80, 80, 80)


@dataclass(frozen=True)
class _Sizes:
    """Point sizes of each part of the letter."""

    council_name: float = 13.0
    council_details: float = 9.5
    recipient: float = 11.0
    reference: float = 10.5
    subject: float = 12.5
    body: float = 11.0
    footer: float = 8.5


# Large print: every word on the page in 16 point or more, as the RNIB's clear print guidance
# asks of large print at the least (the address too: the customer reads it before opening).
_ORDINARY = _Sizes()
_LARGE_PRINT = _Sizes(
    council_name=18.0,
    council_details=16.0,
    recipient=16.0,
    reference=16.0,
    subject=18.0,
    body=16.0,
    footer=16.0,
)

_WORDS = {
    "en": {
        "reference": "Our reference",
        "date": "Date",
        "phone": "Phone",
        "page": "Page {page} of {pages}",
    },
    "cy": {
        "reference": "Ein cyfeirnod",
        "date": "Dyddiad",
        "phone": "Ffôn",
        "page": "Tudalen {page} o {pages}",
    },
}
_ADDRESS_SEPARATORS = re.compile(r"[,\n]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_MISSING = "\ufffd"  # what a character the font cannot show prints as
# Where fpdf2 writes the number of pages. Not its default `{nb}`, which a customer could type:
# a control character, which no text given to the letter keeps (see `_Printable`).
_TOTAL_PAGES = "\x00"  # one character: fpdf2 keeps room for one digit


def printable_letter(
    *,
    council: Council,
    recipient_name: str | None,
    recipient_address: str | None,
    reference: str,
    dated: date,
    subject: str,
    body_text: str,
    language: str = DEFAULT_LANGUAGE,
    large_print: bool = False,
) -> bytes:
    """The letter as PDF bytes. `body_text` is the plain-text letter: paragraphs separated by
    blank lines, lines within a paragraph kept as they are (a sign-off, a list). The same input
    gives the same bytes. `large_print` sets every word in 16 point or larger, for a customer
    who asked for large print."""
    language = primary_language(language)
    words = _WORDS.get(language, _WORDS[DEFAULT_LANGUAGE])
    sizes = _LARGE_PRINT if large_print else _ORDINARY
    pdf = _LetterPDF(reference=reference, page_label=words["page"], sizes=sizes)
    text = pdf.printable

    pdf.set_title(text(subject))
    pdf.set_author(text(council.name))
    pdf.set_lang(language)
    # The letter's date, not the moment of rendering, so that equal letters are equal files.
    pdf.set_creation_date(datetime.combine(dated, time(0, 0), tzinfo=LONDON))
    pdf.add_page()

    header_bottom = _council_block(pdf, council, text, words, sizes)
    recipient_bottom = _recipient_block(pdf, recipient_name, recipient_address, text, sizes)

    pdf.set_xy(_LEFT, max(_WINDOW_Y + _WINDOW_HEIGHT, header_bottom, recipient_bottom) + 6)
    pdf.set_font(_FAMILY, "", sizes.reference)
    pdf.set_text_color(0)
    meta_line = sizes.reference * 0.52
    for line in (
        f"{words['reference']}: {text(reference)}",
        f"{words['date']}: {long_date(dated, language)}",
    ):
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT", h=meta_line)

    body_size, subject_size = sizes.body, sizes.subject
    body_line = _BODY_LINE * body_size / 11.0
    pdf.ln(8)
    pdf.set_font(_FAMILY, "B", subject_size)
    pdf.multi_cell(
        w=0, h=subject_size * 0.52, text=text(subject), align="L", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)

    for paragraph in _paragraphs(text(body_text)):
        heading = _is_heading(paragraph)
        if heading and pdf.will_page_break(body_line * 3):
            # A heading never ends a page: it goes over with the text it heads.
            pdf.add_page()
        pdf.set_font(_FAMILY, "B" if heading else "", body_size)
        pdf.multi_cell(w=0, h=body_line, text=paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(_PARAGRAPH_GAP * body_size / 11.0)

    return bytes(pdf.output())


class _LetterPDF(FPDF):
    def __init__(self, *, reference: str, page_label: str, sizes: _Sizes) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.reference = reference
        self.page_label = page_label
        self.sizes = sizes
        self.set_margins(_LEFT, _TOP, _RIGHT)
        # Room at the foot of each page for the footer, in whatever size it is set.
        self.set_auto_page_break(auto=True, margin=_BOTTOM + (sizes.footer - 8.5) * 0.6)
        self.alias_nb_pages(_TOTAL_PAGES)
        self.add_font(_FAMILY, "", FONTS / "NotoSans-Regular.ttf")
        self.add_font(_FAMILY, "B", FONTS / "NotoSans-Bold.ttf")
        self.printable = _Printable(self)

    def footer(self) -> None:
        """The reference and `Page N of M` on every page, so loose pages find their letter."""
        self.set_y(-15 - (self.sizes.footer - 8.5) * 0.6)
        self.set_font(_FAMILY, "", self.sizes.footer)
        self.set_text_color(*_GREY)
        self.set_draw_color(200)
        self.line(_LEFT, self.y - 2, self.w - _RIGHT, self.y - 2)
        label = self.page_label.format(page=self.page_no(), pages=_TOTAL_PAGES)
        line = self.sizes.footer * 0.6
        self.cell(w=self.epw / 2, h=line, text=self.printable(self.reference), align="L")
        self.cell(w=self.epw / 2, h=line, text=label, align="R")


class _Printable:
    """Text made safe to set: composed accents (`e` + `̈` becomes `ë`), no control or invisible
    format characters, and a visible `�` for a character the font has no glyph for (fpdf2 would
    drop it silently, and log the character)."""

    def __init__(self, pdf: FPDF) -> None:
        font = pdf.fonts[_FAMILY.lower()]
        assert isinstance(font, TTFFont)
        self._covered = frozenset(font.cmap)

    def __call__(self, value: str) -> str:
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
        return "".join(self._character(c) for c in value.replace("\t", " "))

    def _character(self, character: str) -> str:
        if character == "\n":
            return character
        category = unicodedata.category(character)
        if category in ("Cc", "Cf"):
            return ""
        if ord(character) in self._covered:
            return character
        return " " if category.startswith("Z") else _MISSING


def _council_block(
    pdf: FPDF, council: Council, text: _Printable, words: dict[str, str], sizes: _Sizes
) -> float:
    """The council's name in its colour, its address, phone and website, top right. Returns
    where the block ends."""
    x = pdf.w - _RIGHT - _HEADER_WIDTH
    pdf.set_xy(x, _HEADER_Y)
    pdf.set_font(_FAMILY, "B", sizes.council_name)
    pdf.set_text_color(*_rgb(council.branding.colour))
    pdf.multi_cell(
        w=_HEADER_WIDTH,
        h=sizes.council_name * 0.46,
        text=text(council.name),
        align="R",
        new_x="LEFT",
    )
    pdf.ln(1.5)
    pdf.set_x(x)
    pdf.set_font(_FAMILY, "", sizes.council_details)
    pdf.set_text_color(*_GREY)
    lines = [
        *_address_lines(text(council.address)),
        f"{words['phone']}: {text(council.phone)}",
        text(_without_scheme(council.website)),
    ]
    pdf.multi_cell(
        w=_HEADER_WIDTH,
        h=sizes.council_details * 0.48,
        text="\n".join(lines),
        align="R",
        new_x="LEFT",
    )
    pdf.set_text_color(0)
    return pdf.y


def _recipient_block(
    pdf: FPDF, name: str | None, address: str | None, text: _Printable, sizes: _Sizes
) -> float:
    """The name and address where the envelope's window shows them. Returns where it ends."""
    lines = [text(name).strip()] if name and name.strip() else []
    lines += _address_lines(text(address or ""))
    if not lines:
        return _WINDOW_Y
    pdf.set_xy(_LEFT, _WINDOW_Y)
    pdf.set_font(_FAMILY, "", sizes.recipient)
    pdf.set_text_color(0)
    pdf.multi_cell(
        w=_WINDOW_WIDTH, h=sizes.recipient * 0.47, text="\n".join(lines), new_x="LMARGIN"
    )
    return pdf.y


def _address_lines(address: str) -> list[str]:
    """`Council Offices, Whitwick Road, Coalville` -> one line each; commas or line breaks."""
    return [line.strip() for line in _ADDRESS_SEPARATORS.split(address) if line.strip()]


def _paragraphs(body: str) -> Iterable[str]:
    for paragraph in _PARAGRAPH_BREAK.split(body.strip()):
        lines = [line.rstrip() for line in paragraph.strip("\n").split("\n")]
        if any(lines):
            yield "\n".join(lines)


def _is_heading(paragraph: str) -> bool:
    """The plain-text letters head a section with one line in capitals (`WHAT HAPPENS NEXT`)."""
    return "\n" not in paragraph and len(paragraph) <= 80 and paragraph.isupper()


def _without_scheme(website: str) -> str:
    return re.sub(r"^https?://", "", website.strip()).rstrip("/")


def _rgb(colour: str) -> tuple[int, int, int]:
    """`#005EA5` -> (0, 94, 165)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
