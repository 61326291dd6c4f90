"""Fuzzing: whatever bytes arrive, parsing never raises and intake records exactly one outcome."""

from __future__ import annotations

import base64
import quopri

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.mail.classification import load_classification_rules
from sla_monitor.mail.events import delivery_for_object
from sla_monitor.mail.message import MAX_ATTACHMENTS, MAX_TEXT, ParsedEmail, parse_email
from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.mail.receive import EmailOutcomeKind, MailIntake, receive_email
from sla_monitor.policy import load_policy
from sla_monitor.store.memory import InMemoryCaseStore

from .conftest import COUNCIL_ADDRESS, RECEIVED, email_bytes

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER_NAMES = [
    "From", "Reply-To", "Sender", "To", "Subject", "Date", "Message-ID", "In-Reply-To",
    "References", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
    "MIME-Version", "Auto-Submitted", "Precedence", "Return-Path", "X-SES-Spam-Verdict",
]  # fmt: skip
CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "x-unknown", "utf-7", "shift_jis", "", "base64"]
TRANSFER_ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]
CONTENT_TYPES = [
    "text/plain", "text/html", "multipart/mixed", "multipart/alternative", "multipart/report",
    "message/rfc822", "message/delivery-status", "application/pdf", "image/jpeg", "nonsense",
]  # fmt: skip

fragments = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"=?utf-8?q?caf=C3=A9?=",
            b"=?x-mystery?b?Y2Fmw6k=?=",
            b"=?utf-8?b?!!?=",
            b"<a@b.example>",
            b"Jane <jane@example.org>, <<>>",
            b"Tue, 3 Mar 2026 09:14:55 -0000",
            b"auto-replied",
            b"bulk",
            b"\xff\xfe\x00",
            b"\r\n ",
            b"NWL-2026-000001",
        ]
    ),
)


@st.composite
def header_lines(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        name = draw(st.sampled_from(HEADER_NAMES)).encode()
        value = draw(fragments)
        if name == b"Content-Type":
            value = draw(st.sampled_from(CONTENT_TYPES)).encode()
            charset = draw(st.sampled_from(CHARSETS))
            value += f"; charset={charset}".encode()
            if draw(st.booleans()):
                value += b'; boundary="' + draw(st.sampled_from([b"b", b"", b"x y"])) + b'"'
        elif name == b"Content-Transfer-Encoding":
            value = draw(st.sampled_from(TRANSFER_ENCODINGS)).encode()
        lines.append(name + b": " + value)
    return b"\r\n".join(lines)


@st.composite
def bodies(draw) -> bytes:
    text = draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(["raw", "base64", "qp", "broken-base64"]))
    if encoding == "base64":
        return base64.b64encode(text)
    if encoding == "qp":
        return quopri.encodestring(text)
    if encoding == "broken-base64":
        return base64.b64encode(text)[:-3] + b"!!"
    return text


@st.composite
def messages(draw) -> bytes:
    """Mail-shaped bytes: headers, perhaps parts with or without their boundary, and bodies."""
    head = draw(header_lines())
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        parts.append(b"--b\r\n" + draw(header_lines()) + b"\r\n\r\n" + draw(bodies()))
    closing = draw(st.sampled_from([b"--b--\r\n", b"", b"--c--\r\n"]))
    body = b"\r\n".join(parts) + b"\r\n" + closing if parts else draw(bodies())
    return head + b"\r\n\r\n" + body


def assert_storable(email: ParsedEmail) -> None:
    """Everything read must be writable to DynamoDB and S3 metadata: valid UTF-8, bounded."""
    texts = [email.subject, email.text, email.message_id or "", *email.in_reply_to]
    texts += [a.address for a in email.from_addresses] + [a.filename for a in email.attachments]
    texts += [v for values in email.headers.values() for v in values]
    for text in texts:
        text.encode("utf-8")
        assert "\x00" not in text
    assert len(email.text) <= MAX_TEXT + 100
    assert len(email.attachments) <= MAX_ATTACHMENTS
    assert email.sent_at is None or email.sent_at.tzinfo is not None


@FUZZ
@given(st.binary(max_size=2000))
def test_parsing_any_bytes_never_raises(raw):
    assert_storable(parse_email(raw))


@FUZZ
@given(messages())
def test_parsing_mail_shaped_bytes_never_raises(raw):
    assert_storable(parse_email(raw))


@FUZZ
@given(st.sampled_from(["attachments", "bounce_dsn", "encoded_word_headers"]), st.data())
def test_corrupting_real_messages_never_raises(name, data):
    raw = bytearray(email_bytes(name))
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    assert_storable(parse_email(bytes(raw[:cut])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(messages(), st.binary(max_size=500)))
def test_intake_always_records_exactly_one_outcome(raw):
    store = InMemoryCaseStore(reference_prefix="NWL")
    raw_mail = InMemoryRawMailStore()
    intake = MailIntake(
        store=store,
        policy=load_policy(),
        calendar=WorkingDayCalendar(),
        raw_mail=raw_mail,
        rules=load_classification_rules(),
        reference_prefix="NWL",
        council_addresses=frozenset({COUNCIL_ADDRESS}),
    )
    raw_mail.put_raw("inbound/fuzzed", raw)
    delivery = delivery_for_object(
        raw_mail.bucket, "inbound/fuzzed", prefix="inbound/", received_at=RECEIVED
    )

    outcome = receive_email(raw, delivery, intake=intake, now=RECEIVED)

    assert outcome.kind in set(EmailOutcomeKind)
    assert list(store.deliveries) == [delivery.idempotency_key]
    assert store.deliveries[delivery.idempotency_key].outcome == outcome.kind.value
    assert (outcome.reason is not None) == (outcome.kind is EmailOutcomeKind.TRIAGE)
