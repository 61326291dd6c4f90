"""Reading raw mail: the corpus of real-world shapes, and the edge cases one by one."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sla_monitor.mail.message import (
    MAX_ATTACHMENTS,
    MAX_TEXT,
    MailAddress,
    extract_uuencoded,
    message_ids,
    parse_email,
)

from .conftest import email_bytes


def parse(name: str):
    return parse_email(email_bytes(name))


# -- the corpus ------------------------------------------------------------------------------


def test_plain_complaint_gives_sender_subject_date_message_id_and_body():
    email = parse("plain_complaint")

    assert email.sender == MailAddress("jane.resident@example.org", "Jane Resident")
    assert email.customer_address == email.sender
    assert email.subject == "Formal complaint about how my planning enquiry was handled"
    assert email.sent_at == datetime(2026, 3, 3, 9, 14, 55, tzinfo=UTC)
    assert email.message_id == "20260303091455.plain-complaint@example.org"
    assert email.text.startswith("Dear Customer Services,\n\nI wish to make a formal complaint.")
    assert email.text.endswith("12 Example Street, Coalville")
    assert email.body_type == "text/plain"
    assert email.attachments == ()
    assert email.defects == ()


def test_html_only_mail_is_turned_into_text_without_styles_or_scripts():
    email = parse("html_only")

    assert email.body_type == "text/html"
    assert "Whitwick Road are open on Saturdays?\nI need to hand in a form & some photos." in (
        email.text
    )
    assert "- Form A12\n- Two photos" in email.text
    for hidden in ("ignored title", "color", "trackOpen", "<p>"):
        assert hidden not in email.text


def test_quoted_printable_soft_breaks_and_utf8_are_decoded():
    email = parse("quoted_printable")

    assert "this year – is it still £50?" in email.text
    assert "looks out of date." in email.text


def test_base64_alternative_prefers_the_plain_part_and_keeps_no_html_copy():
    email = parse("base64_alternative")

    assert email.body_type == "text/plain"
    assert email.text.count("street light outside 4 Oak Close") == 1
    assert email.attachments == ()


def test_latin_1_header_and_body_bytes_are_read_as_latin_1():
    email = parse("iso_8859_1")

    assert email.sender == MailAddress("renee.dubois@example.fr", "Renée Dubois")
    assert "from Liège" in email.text
    assert "My café opens in April and I owe £120" in email.text


def test_windows_1252_quotes_dashes_and_euro_are_read():
    email = parse("windows_1252")

    assert email.subject == "Missed bin collection – Station Road"
    assert "Our bin wasn’t collected" in email.text
    assert "said “we’ll be back”" in email.text
    assert "the €50 garden waste fee" in email.text


def test_an_unknown_charset_falls_back_to_what_the_bytes_are():
    email = parse("unknown_charset")

    assert "the new café in the park is lovely — but" in email.text
    assert email.text.endswith("please. ☺")


def test_encoded_words_in_headers_are_decoded_across_folded_lines():
    email = parse("encoded_word_headers")

    assert email.sender == MailAddress("zoe.muller@example.de", "Zoë Müller")
    assert email.subject == "Thank you – wonderful service at the leisure centre 😊"


def test_attachments_come_back_as_bytes_with_names_and_types():
    email = parse("attachments")

    names = [(a.filename, a.content_type) for a in email.attachments]
    assert names == [
        ("sofa.jpg", "image/jpeg"),
        ("plan de la rue – café.pdf", "application/pdf"),
        ("forwarded-message-3.eml", "message/rfc822"),
    ]
    photo, plan, forwarded = email.attachments
    assert photo.content.startswith(b"\xff\xd8\xff\xe0") and photo.content.endswith(b"\xff\xd9")
    assert plan.content.startswith(b"%PDF-1.4")
    assert plan.size == len(plan.content)
    assert b"Subject: Your permit" in forwarded.content
    assert email.text.startswith("There is a pile of fly-tipping behind the shops")
    assert "Your permit was refused" not in email.text


def test_uuencoded_file_in_the_body_becomes_an_attachment():
    email = parse("uuencode")

    assert [(a.filename, a.content) for a in email.attachments] == [
        ("location.txt", b"Grid ref SK 4215 1440\n")
    ]
    assert "[attachment: location.txt]" in email.text
    assert "begin 644" not in email.text
    assert email.text.endswith("Regards")


def test_a_multipart_without_its_boundary_is_recovered_from_the_body():
    email = parse("missing_boundary")

    assert email.text.startswith("There is graffiti all over the underpass")
    assert [(a.filename, a.content) for a in email.attachments] == [
        ("where.txt", b"Station underpass, north side.")
    ]
    assert "NoBoundaryInMultipartDefect" in email.defects
    assert "multipart boundary missing or wrong: recovered from the body" in email.defects


def test_a_bad_date_is_left_out_and_the_rest_is_read():
    email = parse("bad_date")

    assert email.sent_at is None
    assert email.subject == "I want to complain about my noisy neighbour"
    assert "loud music every night" in email.text


def test_several_from_headers_keep_every_address_and_the_first_is_the_sender():
    email = parse("several_from")

    assert [a.address for a in email.from_addresses] == [
        "first.sender@example.org",
        "second.sender@example.org",
    ]
    assert email.sender.address == "first.sender@example.org"
    assert email.reply_to == MailAddress("family@example.org", "Family Account")
    assert email.customer_address == email.reply_to
    assert "several From headers" in email.defects


def test_a_delivery_report_is_read_as_a_report():
    email = parse("bounce_dsn")

    assert email.content_type == "multipart/report"
    assert email.report_type == "delivery-status"
    assert "message/delivery-status" in email.part_types
    assert email.first_header("Return-Path") == "<>"


def test_threading_headers_are_read_without_angle_brackets():
    email = parse("reply_in_reply_to")

    assert email.in_reply_to == ("ack-0001@eu-west-2.amazonses.com",)
    assert email.references == (
        "20260303091455.plain-complaint@example.org",
        "ack-0001@eu-west-2.amazonses.com",
    )


@pytest.mark.parametrize("name", ["garbage", "empty"])
def test_bytes_that_are_not_mail_give_no_mail_headers(name):
    email = parse(name)

    assert not email.has_mail_headers
    assert email.sender is None


# -- edge cases --------------------------------------------------------------------------------


def test_raw_utf8_in_headers_is_read_as_utf8():
    email = parse_email(
        "From: Siân Jones <sian@example.org>\nSubject: Café closed\n\nhello\n".encode()
    )

    assert email.sender == MailAddress("sian@example.org", "Siân Jones")
    assert email.subject == "Café closed"


def test_an_encoded_word_in_an_unknown_charset_is_still_decoded():
    email = parse_email(b"From: a@example.org\nSubject: =?x-mystery?q?caf=E9?= opening\n\nx\n")

    assert email.subject == "café opening"


def test_a_broken_base64_encoded_word_keeps_the_header_text():
    email = parse_email(b"From: a@example.org\nSubject: =?utf-8?b?!!!notbase64?= bins\n\nx\n")

    assert "bins" in email.subject


def test_minus_zero_zone_dates_are_read_as_utc():
    email = parse_email(b"From: a@example.org\nDate: Tue, 3 Mar 2026 09:14:55 -0000\n\nx\n")

    assert email.sent_at == datetime(2026, 3, 3, 9, 14, 55, tzinfo=UTC)


def test_dates_keep_their_offset():
    email = parse_email(b"From: a@example.org\nDate: Tue, 3 Mar 2026 10:14:55 +0100\n\nx\n")

    assert email.sent_at == datetime(2026, 3, 3, 10, 14, 55, tzinfo=timezone(timedelta(hours=1)))


def test_unreadable_addresses_are_skipped_for_the_next_readable_one():
    email = parse_email(
        b"From: <<<nonsense>>>\nFrom: Real Person <real@example.org>\nSubject: x\n\nx\n"
    )

    assert email.sender == MailAddress("real@example.org", "Real Person")


def test_sender_stands_in_for_an_unreadable_from():
    email = parse_email(b"From: undisclosed\nSender: Clerk <clerk@example.org>\n\nx\n")

    assert email.sender == MailAddress("clerk@example.org", "Clerk")


def test_an_address_domain_is_lower_cased_and_the_local_part_kept():
    email = parse_email(b"From: Jo.Bloggs@Example.ORG\n\nx\n")

    assert email.sender == MailAddress("Jo.Bloggs@example.org", None)


def test_x_uuencode_transfer_encoding_is_decoded():
    encoded = binascii.b2a_uu(b"plan of the site").decode()
    raw = (
        "From: a@example.org\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nsee attached\n"
        '--b\nContent-Type: application/octet-stream; name="site.txt"\n'
        "Content-Transfer-Encoding: x-uuencode\n\n"
        f"begin 644 site.txt\n{encoded}`\nend\n--b--\n"
    ).encode()

    email = parse_email(raw)

    assert email.text == "see attached"
    assert [(a.filename, a.content) for a in email.attachments] == [
        ("site.txt", b"plan of the site")
    ]


def test_an_empty_plain_part_gives_way_to_the_html_one():
    raw = (
        b'From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"'
        b"\n\n--b\nContent-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n"
        b"<p>The real words</p>\n--b--\n"
    )

    email = parse_email(raw)

    assert email.body_type == "text/html"
    assert email.text == "The real words"


def test_inline_images_in_a_related_html_body_are_kept_and_the_html_is_not_repeated():
    image = base64.b64encode(b"\x89PNG\r\n\x1a\nimage").decode()
    raw = (
        "From: a@example.org\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="alt"\n\n'
        "--alt\nContent-Type: text/plain\n\nPothole photo below.\n"
        '--alt\nContent-Type: multipart/related; boundary="rel"\n\n'
        '--rel\nContent-Type: text/html\n\n<p>Pothole photo below.</p><img src="cid:p1">\n'
        "--rel\nContent-Type: image/png\nContent-ID: <p1>\nContent-Transfer-Encoding: base64\n\n"
        f"{image}\n--rel--\n--alt--\n"
    ).encode()

    email = parse_email(raw)

    assert email.text == "Pothole photo below."
    assert [(a.content_type, a.content) for a in email.attachments] == [
        ("image/png", b"\x89PNG\r\n\x1a\nimage")
    ]


def test_body_text_split_around_an_inline_image_is_joined():
    raw = (
        b'From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nFirst part.\n"
        b"--b\nContent-Type: image/gif\nContent-Disposition: inline\n\nGIF89a\n"
        b"--b\nContent-Type: text/plain\n\nSecond part.\n--b--\n"
    )

    email = parse_email(raw)

    assert email.text == "First part.\n\nSecond part."
    assert [a.content_type for a in email.attachments] == ["image/gif"]


def test_a_very_long_body_is_shortened_with_a_note():
    raw = b"From: a@example.org\n\n" + b"word " * (MAX_TEXT // 2)

    email = parse_email(raw)

    assert len(email.text) < MAX_TEXT + 100
    assert email.text.endswith("the full text is kept with the original email]")


def test_attachments_beyond_the_limit_are_left_in_the_original_and_noted():
    parts = "".join(
        f'--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename="{n}.txt"\n\n'
        f"{n}\n"
        for n in range(MAX_ATTACHMENTS + 5)
    )
    raw = (
        f'From: a@example.org\nContent-Type: multipart/mixed; boundary="b"\n\n{parts}--b--\n'
    ).encode()

    email = parse_email(raw)

    assert len(email.attachments) == MAX_ATTACHMENTS
    assert any("attachments: the rest stay in the original" in d for d in email.defects)


def test_control_characters_and_nul_bytes_never_reach_the_text():
    email = parse_email(b"From: a@example.org\nSubject: bin\x00s\x07\n\nhello\x00 there\x1b\n")

    assert email.subject == "bins"
    assert email.text == "hello there"


def test_filenames_lose_any_path_a_sender_gave():
    raw = (
        b'From: a@example.org\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain\n\nx\n--b\nContent-Type: application/pdf\n"
        b'Content-Disposition: attachment; filename="../../etc/evil.pdf"\n\n%PDF\n--b--\n'
    )

    email = parse_email(raw)

    assert [a.filename for a in email.attachments] == ["evil.pdf"]


def test_extract_uuencoded_leaves_text_without_an_end_line_alone():
    text = "begin 644 notes.txt\n#86)C\n(no end line)"

    assert extract_uuencoded(text) == (text, [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<a@b.example>", ("a@b.example",)),
        ("<a@b.example> <c@d.example>\n <a@b.example>", ("a@b.example", "c@d.example")),
        ("bare-id@host.example", ("bare-id@host.example",)),
        ("two words", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_message_ids(value, expected):
    assert message_ids(value) == expected
