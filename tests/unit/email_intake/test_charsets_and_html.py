"""Charset guessing and HTML to text: never raising, never losing the words."""

from __future__ import annotations

import pytest

from sla_monitor.mail.charsets import clean_text, codec_for, decode_bytes, undo_surrogate_escape
from sla_monitor.mail.html_text import html_to_text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf-8", "utf-8"),
        ('"UTF-8"', "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("windows-1252", "cp1252"),
        ("ks_c_5601-1987", "cp949"),
        ("gb2312", "gb18030"),
        ("unknown-8bit", None),
        ("x-unknown-mystery", None),
        ("base64", None),
        ("zlib", None),
        ("", None),
        (None, None),
    ],
)
def test_codec_for_labels_mailers_use(label, codec):
    assert codec_for(label) == codec


def test_a_declared_charset_that_fits_is_used():
    assert decode_bytes("Zoë".encode("iso-8859-15"), "iso-8859-15") == "Zoë"


def test_latin_1_labelled_mail_with_windows_1252_quotes_is_read_as_windows_1252():
    assert decode_bytes(b"\x93quoted\x94 \x80", "iso-8859-1") == "“quoted” €"


def test_utf8_is_tried_when_the_declared_charset_does_not_fit():
    assert decode_bytes("café".encode(), "us-ascii") == "café"


def test_undecodable_bytes_are_replaced_not_raised():
    text = decode_bytes(b"\x81\x8d ok", None)

    assert text.endswith(" ok")


def test_a_byte_order_mark_is_dropped():
    assert decode_bytes(b"\xef\xbb\xbfhello", "utf-8") == "hello"


def test_surrogate_escaped_header_bytes_are_decoded():
    escaped = "Ren\udce9e"  # what the byte parser makes of b"Ren\xe9e"

    assert undo_surrogate_escape(escaped) == "Renée"


def test_clean_text_leaves_only_storable_characters():
    assert clean_text("a\x00b\r\nc\ud800d\x9be\tf") == "ab\nc\ufffdde\tf"


def test_html_paragraphs_breaks_lists_and_entities():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p>Dear council,</p><p>The bin &amp; box<br>were missed.&nbsp;Again.</p>"
        "<ol><li>one</li><li>two</li></ol><table><tr><td>a</td><td>b</td></tr></table>"
        "<script>x()</script></body></html>"
    )

    assert html_to_text(html) == (
        "Dear council,\n\nThe bin & box\nwere missed. Again.\n\n- one\n- two\n\na b"
    )


@pytest.mark.parametrize(
    "broken",
    ["<p>unclosed <div>x", "<![CDATA[ y ]]>", "</", "<a href='x", "&#xZZZZZZ;", "<!--", "<<<>>>"],
)
def test_malformed_html_never_raises(broken):
    assert isinstance(html_to_text(broken), str)
