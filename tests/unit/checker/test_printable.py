"""Printable letters: an A4 PDF for a customer with no email address, read back with pypdf."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from pypdf import PdfReader

from sla_monitor.checker.printable import printable_letter
from sla_monitor.council import load_council

COUNCIL = load_council()
MM = 72 / 25.4  # PDF points in a millimetre
A4_POINTS = (210 * MM, 297 * MM)

BODY = """Dear Zoë Ó Súilleabháin,

Thank you for contacting us. We received your complaint on Monday 14 December 2026.

WHAT HAPPENS NEXT

Jane Smith, Housing Officer, is dealing with your complaint.
We aim to send you a full reply by Tuesday 12 January 2027.

Yours sincerely,

Customer Services Team"""


def letter(**changes) -> bytes:
    facts = {
        "council": COUNCIL,
        "recipient_name": "Zoë Ó Súilleabháin",
        "recipient_address": "Flat 2, 14 Station Road\nIbstock, LE67 6NQ",
        "reference": "NWL-2026-000001",
        "dated": date(2026, 12, 15),
        "subject": "NWL-2026-000001: we have received your complaint",
        "body_text": BODY,
        **changes,
    }
    return printable_letter(**facts)


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_letter_is_a_pdf_on_a4_portrait_pages():
    pdf = letter(body_text="\n\n".join([BODY] * 12))

    assert pdf.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4_POINTS, abs=0.5
        )


def test_the_letter_carries_the_council_the_recipient_the_reference_subject_and_every_paragraph():
    (text,) = pages_text(letter())

    for expected in [
        "North West Leicestershire District Council",
        "Council Offices",
        "LE67 3FJ",
        "Phone: 01530 454545",
        "www.nwleics.gov.uk",
        "Flat 2",
        "14 Station Road",
        "Ibstock",
        "LE67 6NQ",
        "Our reference: NWL-2026-000001",
        "Date: Tuesday 15 December 2026",
        "NWL-2026-000001: we have received your complaint",
        "Page 1 of 1",
    ]:
        assert expected in text
    for paragraph in BODY.split("\n\n"):
        assert flat(paragraph) in text


def test_the_recipients_address_sits_where_a_dl_window_envelope_shows_it():
    placed: dict[str, tuple[float, float]] = {}

    def note(text, _cm, tm, _font, _size):
        if text.strip():
            placed.setdefault(text.strip(), (tm[4] / MM, (A4_POINTS[1] - tm[5]) / MM))

    PdfReader(io.BytesIO(letter())).pages[0].extract_text(visitor_text=note)

    for line in ["Zoë Ó Súilleabháin", "Flat 2", "14 Station Road", "Ibstock", "LE67 6NQ"]:
        left, down = placed[line]
        assert 20 <= left <= 30, line
        assert 50 <= down <= 90, line


def test_welsh_polish_and_irish_letters_survive():
    name = "Łukasz Wróbel-Ó Súilleabháin"
    body = "Annwyl Łukasz,\n\nDiolch am gysylltu â ni ynglŷn â'r ŵyr a'r ŷd.\n\nZoë"

    (text,) = pages_text(
        letter(recipient_name=name, body_text=body, language="cy", dated=date(2026, 12, 29))
    )

    assert name in text
    assert "ynglŷn â'r ŵyr a'r ŷd" in text
    assert "Ein cyfeirnod: NWL-2026-000001" in text
    assert "Dyddiad: dydd Mawrth 29 Rhagfyr 2026" in text
    assert "Tudalen 1 o 1" in text


def test_a_long_letter_runs_on_to_numbered_pages_that_carry_the_reference():
    paragraphs = [f"Paragraph {n}: " + "The council will look into this. " * 12 for n in range(40)]

    texts = pages_text(letter(body_text="\n\n".join(paragraphs)))

    assert len(texts) > 2
    assert "Page 2 of" in texts[1]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "NWL-2026-000001" in text
    footer = f"NWL-2026-000001 Page {{}} of {len(texts)}"
    everything = flat(" ".join(t.replace(footer.format(n), "") for n, t in enumerate(texts, 1)))
    for paragraph in paragraphs:
        assert flat(paragraph) in everything


def test_a_word_longer_than_a_line_is_broken_rather_than_lost():
    link = "https://www.nwleics.gov.uk/" + "x" * 200

    texts = pages_text(letter(body_text=f"See {link}"))

    assert "".join(texts[0].split()).count("x" * 200) == 1


def test_without_an_address_the_letter_still_has_the_name():
    (text,) = pages_text(letter(recipient_address=None))

    assert "Zoë Ó Súilleabháin" in text
    assert "Flat 2" not in text


def test_without_a_name_or_an_address_the_letter_still_renders():
    (text,) = pages_text(letter(recipient_name=None, recipient_address="  "))

    assert "Our reference: NWL-2026-000001" in text


def test_nothing_in_the_text_is_taken_for_a_page_number():
    (text,) = pages_text(letter(body_text="Page {nb} of {nb}", subject="{nb}"))

    assert "Page {nb} of {nb}" in text
    assert "Page 1 of 1" in text


def test_the_title_is_the_subject_and_the_author_the_council():
    metadata = PdfReader(io.BytesIO(letter())).metadata

    assert metadata is not None
    assert metadata.title == "NWL-2026-000001: we have received your complaint"
    assert metadata.author == "North West Leicestershire District Council"


def test_the_same_letter_gives_the_same_bytes():
    assert letter() == letter()
    assert letter() != letter(dated=date(2026, 12, 16))


def test_a_character_the_font_lacks_shows_as_a_replacement_and_is_not_logged(caplog):
    caplog.set_level(logging.DEBUG)

    (text,) = pages_text(letter(recipient_name="王秀英", body_text="Dear 王秀英,\x07\u200b"))

    assert "王" not in text
    assert "\ufffd\ufffd\ufffd" in text
    assert not [r for r in caplog.records if "王" in r.getMessage()]
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


def test_large_print_sets_the_body_in_16_point_and_so_takes_more_pages():
    long_body = "\n\n".join([BODY] * 6)
    sizes: list[float] = []

    def visitor(text, cm, tm, font_dict, font_size):
        if "Thank you for contacting us" in text:
            sizes.append(font_size * tm[0])

    reader = PdfReader(io.BytesIO(letter(body_text=long_body, large_print=True)))
    reader.pages[0].extract_text(visitor_text=visitor)
    assert sizes and min(sizes) >= 16
    normal = len(PdfReader(io.BytesIO(letter(body_text=long_body))).pages)
    assert len(reader.pages) > normal
