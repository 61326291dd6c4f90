"""Letters and the MIME that carries them."""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest

from sla_monitor.cases import CaseType
from sla_monitor.checker.messages import (
    Attachment,
    Composer,
    Contact,
    build_email,
    case_type_label,
    long_date,
    new_message_id,
    normalise_message_id,
    primary_language,
    safe_filename,
    valid_address,
)
from sla_monitor.council import load_council
from sla_monitor.wording import on_date

from .conftest import SENDER, london

COUNCIL = load_council()
CONTACT = Contact("Jane Smith", "Housing Officer", "Housing", "jane@example.gov.uk", "01530 1")


def acknowledgement(composer: Composer, language: str = "en", **changes):
    facts = {
        "reference": "NWL-2026-000001",
        "label": case_type_label(CaseType.ENQUIRY, language),
        "customer_name": "Ann",
        "about": "Damp",
        "received_on": date(2026, 3, 2),
        "contact": CONTACT,
        "is_complaint": False,
        "is_feedback": False,
        "update_every": None,
        "holding_update": True,
        "promised_days": 5,
        "reply_due": date(2026, 3, 9),
        "expected_reply_by": None,
        "missed_reply_by": None,
        "late_since": None,
        **changes,
    }
    return composer.compose("customer/acknowledgement", language=language, **facts)


@pytest.mark.parametrize(
    ("day", "language", "written"),
    [
        (date(2026, 12, 29), "en", "Tuesday 29 December 2026"),
        (date(2026, 12, 29), "cy", "dydd Mawrth 29 Rhagfyr 2026"),
        (date(2027, 3, 1), "cy", "dydd Llun 1 Mawrth 2027"),
        (date(2027, 1, 3), "cy", "dydd Sul 3 Ionawr 2027"),
    ],
)
def test_dates_are_written_out_in_the_letters_language(day, language, written):
    assert long_date(day, language) == written


def test_on_a_day_welsh_mutates_the_weekday_where_english_adds_on():
    # "Daeth i law ddydd Llun ...": Welsh says "on Monday" with the soft mutation, no "ar".
    assert on_date(date(2026, 3, 2), "cy") == "ddydd Llun 2 Mawrth 2026"
    assert on_date(date(2026, 3, 2), "en") == "on Monday 2 March 2026"


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("resident@example.org", True),
        ("first.last+tag@sub.example.co.uk", True),
        ("resident@example", False),
        ("Resident <resident@example.org>", False),
        ("resident@example.org\r\nBcc: x@y.z", False),
        ('"quoted"@example.org', False),
        ("", False),
        (None, False),
    ],
)
def test_only_plain_addresses_are_mailed(address, ok):
    assert valid_address(address) is ok


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("<abc@mail.example.org>", "abc@mail.example.org"),
        ("abc@mail.example.org", "abc@mail.example.org"),
        ("<abc@mail.example.org>\r\nBcc: x@y.z", None),
        ("no-at-sign", None),
        (None, None),
    ],
)
def test_message_ids_are_kept_without_brackets_and_only_when_sound(value, stored):
    assert normalise_message_id(value) == stored


def test_language_tags_reduce_to_their_primary_language():
    assert primary_language("cy-GB") == "cy"
    assert primary_language("PL") == "pl"
    assert primary_language("") == "en"
    assert primary_language("not a tag") == "en"


def test_a_message_falls_back_to_english_where_no_template_is_in_the_language():
    composer = Composer(COUNCIL)
    assert composer.languages_for("customer/acknowledgement") >= {"en", "cy"}
    assert composer.language_for("cy", "customer/acknowledgement") == "cy"
    assert composer.language_for("cy", "customer/holding_update") == "cy"
    assert composer.language_for("pl", "customer/holding_update") == "en"
    assert composer.language_for("pl", "customer/acknowledgement") == "en"


def test_the_council_branding_comes_from_configuration():
    letter = acknowledgement(Composer(COUNCIL))
    assert COUNCIL.branding.colour in letter.html
    assert COUNCIL.name in letter.html
    assert COUNCIL.branding.sign_off in letter.text
    assert COUNCIL.website in letter.text


def test_the_contact_is_described_without_repeating_itself():
    assert CONTACT.description == "Jane Smith, Housing Officer, Housing"
    head = Contact("Head of Housing", "Head of Housing", "Housing", "h@x.gov.uk", "1")
    assert head.description == "Head of Housing, Housing"


def test_staff_html_is_the_text_escaped_paragraph_by_paragraph():
    composer = Composer(COUNCIL)
    letter = composer.compose(
        "staff/pass_preferences_to_owner",
        reference="NWL-2026-000001",
        label="enquiry",
        channel="email",
        received_on=date(2026, 3, 2),
        about="<img src=x onerror=alert(1)>",
        service="Housing",
        owner=CONTACT,
        requests=["braille"],
        english_only=[],
        large_print_letters=False,
        held=True,
    )
    assert "About: <img src=x onerror=alert(1)>" in letter.text
    assert "<img" not in letter.html and "&lt;img src=x onerror=alert(1)&gt;" in letter.html


def test_the_mime_has_text_and_html_and_lines_a_mail_server_accepts():
    letter = acknowledgement(Composer(COUNCIL), "cy", about="â ŵ ŷ " * 40)
    outbound = build_email(
        letter,
        council=COUNCIL,
        sender=SENDER,
        to=["resident@example.org"],
        reference="NWL-2026-000001",
        message_id=new_message_id("NWL-2026-000001", "acknowledge", SENDER),
        at=london(2026, 3, 2, 10, 0),
    )
    message = outbound.parsed()
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert outbound.raw.isascii()
    head, body = outbound.raw.split(b"\r\n\r\n", 1)
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    assert all(len(line) <= 78 for line in body.split(b"\r\n"))
    assert message["Date"].datetime == london(2026, 3, 2, 10, 0)
    assert message["Message-ID"].startswith("<NWL-2026-000001.")
    assert message["Auto-Submitted"] == "auto-generated"


def test_message_ids_are_fresh_and_carry_the_reference_but_nothing_personal():
    first = new_message_id("NWL-2026-000001", "acknowledge", SENDER)
    second = new_message_id("NWL-2026-000001", "acknowledge", SENDER)
    assert first != second
    assert first.startswith("NWL-2026-000001.") and first.endswith("@nwleicestershire.gov.uk")


def test_a_letter_is_refused_for_an_address_that_is_not_plain():
    with pytest.raises(ValueError, match="recipient"):
        build_email(
            acknowledgement(Composer(COUNCIL)),
            council=COUNCIL,
            sender=SENDER,
            to=["a@example.org, b@example.org"],
            reference="NWL-2026-000001",
            message_id="x@y.z",
            at=london(2026, 3, 2, 10, 0),
        )


PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def email_with(*attachments: Attachment):
    return build_email(
        acknowledgement(Composer(COUNCIL), "cy", about="â ŵ ŷ"),
        council=COUNCIL,
        sender=SENDER,
        to=["resident@example.org"],
        reference="NWL-2026-000001",
        message_id="NWL-2026-000001.abc@nwleicestershire.gov.uk",
        at=london(2026, 3, 2, 10, 0),
        attachments=attachments,
    )


def test_an_attachment_travels_beside_the_text_and_html_alternatives():
    outbound = email_with(Attachment("NWL-2026-000001.pdf", "application/pdf", PDF))

    message = email.message_from_bytes(outbound.raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    alternatives, attached = message.iter_parts()
    assert alternatives.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternatives.iter_parts()] == ["text/plain", "text/html"]
    assert "â ŵ ŷ" in alternatives.get_body(("plain",)).get_content()
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_filename() == "NWL-2026-000001.pdf"
    assert attached["Content-Transfer-Encoding"] == "base64"
    assert attached.get_content() == PDF
    # The message's own headers stay on the message, not on the part that was moved down.
    assert message["Content-Language"] == "cy"
    assert message["Subject"] == outbound.parsed()["Subject"]
    assert outbound.raw.isascii()
    assert all(len(line) <= 998 for line in outbound.raw.split(b"\r\n"))
    assert all(len(line) <= 76 for line in attached.get_payload().splitlines())


def test_several_attachments_keep_their_order():
    outbound = email_with(
        Attachment("letter.pdf", "application/pdf", PDF),
        Attachment("notes.txt", "text/plain", "Nodiadau: ŵ".encode()),
    )

    parts = list(outbound.parsed().iter_parts())[1:]
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        ("letter.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),
    ]
    assert parts[1].get_payload(decode=True) == "Nodiadau: ŵ".encode()


def test_a_hostile_attachment_name_is_made_safe():
    hostile = '../../etc/passwd"\r\nBcc: x@example.org; ŵ.pdf'

    outbound = email_with(Attachment(hostile, "application/pdf", PDF))

    (_, attached) = outbound.parsed().iter_parts()
    assert attached.get_filename() == "_.._etc_passwd___Bcc__x_example.org___.pdf"
    assert b"Bcc" not in outbound.raw.split(b"\r\n\r\n", 1)[0]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("NWL-2026-000001.pdf", "NWL-2026-000001.pdf"),
        ("Llythyr ŵ ŷ.pdf", "Llythyr____.pdf"),
        (".hidden", "hidden"),
        ("", "attachment"),
        ("...", "attachment"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_attachment_names_keep_only_safe_characters(name, safe):
    assert safe_filename(name) == safe


def test_an_attachment_with_a_strange_content_type_is_refused():
    with pytest.raises(ValueError, match="content type"):
        email_with(Attachment("a.pdf", "application/pdf\r\nBcc: x@example.org", PDF))


def test_without_attachments_the_message_is_what_it_always_was():
    message = email_with().parsed()

    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
