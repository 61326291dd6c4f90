"""A raw email read into what intake needs, whatever state it arrives in.

The standard library's modern policy (`email.policy.default`) reads headers, addresses and dates
and picks the body part; where it raises on malformed input we fall back to the legacy
(`compat32`) reading of the same header or part. Each field is read on its own, so one bad header
cannot cost the rest of the message, and `parse_email` never raises: what was wrong is listed in
`defects`, and triage decides what that means.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy as email_policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from sla_monitor.mail.charsets import clean_text, decode_bytes, undo_surrogate_escape
from sla_monitor.mail.html_text import html_to_text

# How much body text a case keeps; the whole message always stays in the raw-mail bucket.
MAX_TEXT = 30_000
MAX_SUBJECT = 998  # the longest line RFC 5322 allows
MAX_ATTACHMENTS = 100
# A display name longer than this is not a name; what is kept of it stays short enough to store.
MAX_NAME = 200
# RFC 5322 lines are at most 998 characters: a longer Message-ID is not one any mailer made, and
# as a key it would pass DynamoDB's 2 KB limit.
MAX_MESSAGE_ID = 998
MAX_FILENAME = 255
_MAX_HEADERS = 500
_MAX_HEADER_VALUE = 4_000
_MAX_THREAD_IDS = 50
# A one-part message larger than this is read only as far as a case could use its text.
_READ_WHOLE = 8 * 1024 * 1024
_ONE_PART_BODY_READ = 4 * 1024 * 1024
_HEADER_END = re.compile(rb"\r?\n\r?\n")

# Headers only email has; a "message" with none of them is not an email we can read.
_MAIL_HEADERS = frozenset(
    {
        "from", "sender", "reply-to", "to", "cc", "subject", "date", "message-id", "received",
        "return-path", "mime-version", "content-type", "in-reply-to", "references",
    }
)  # fmt: skip
_TRUNCATED_NOTE = "\n\n[message shortened: the full text is kept with the original email]"

_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+\.[^\s@<>()\[\],;:\"\\.]+")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_WHITESPACE = re.compile(r"\s+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
_LOSSY = re.compile(r"[\ufffd\ud800-\udfff]")
_BOUNDARY_LINE = re.compile(r"^--([^\s\"]{1,200}?)(--)?[ \t\r]*$", re.MULTILINE)
_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S[^\n]*)$", re.MULTILINE)
_UU_END = re.compile(r"^end[ \t]*$", re.MULTILINE)
# Bidirectional controls and other invisible format characters: in a file name they make
# "invoice\u202efdp.exe" read as "invoiceexe.pdf".
_FORMAT_CHARACTERS = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


@dataclass(frozen=True)
class MailAddress:
    address: str
    name: str | None = None


@dataclass(frozen=True)
class MailAttachment:
    """A file that came with the message, as bytes; intake keeps it in the raw-mail bucket."""

    filename: str
    content_type: str
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class ParsedEmail:
    from_addresses: tuple[MailAddress, ...] = ()
    reply_to: MailAddress | None = None
    subject: str = ""
    text: str = ""
    body_type: str | None = None  # the part the text came from: text/plain, text/html, or none
    sent_at: datetime | None = None  # the Date header, aware; None when missing or unreadable
    message_id: str | None = None  # without angle brackets
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    content_type: str = "text/plain"
    report_type: str | None = None  # of a top-level multipart/report
    part_types: tuple[str, ...] = ()
    attachments: tuple[MailAttachment, ...] = ()
    # Lower-case header name -> decoded values in order; what triage reads.
    headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    defects: tuple[str, ...] = ()

    @property
    def sender(self) -> MailAddress | None:
        """The first readable From address (mail with several From headers exists)."""
        return self.from_addresses[0] if self.from_addresses else None

    @property
    def customer_address(self) -> MailAddress | None:
        """Where the customer wants replies: Reply-To when given, else From."""
        return self.reply_to or self.sender

    @property
    def has_mail_headers(self) -> bool:
        return any(name in self.headers for name in _MAIL_HEADERS)

    def header(self, name: str) -> tuple[str, ...]:
        return self.headers.get(name.lower(), ())

    def first_header(self, name: str) -> str | None:
        values = self.header(name)
        return values[0] if values else None


def parse_email(raw: bytes) -> ParsedEmail:
    """Read a raw RFC 5322 message. Never raises; anything unreadable is listed in `defects`."""
    defects: list[str] = []
    message = _parse_bytes(_readable_part(raw, defects), defects)
    if message is None:
        return ParsedEmail(defects=tuple(defects))
    reader = _Reader(message, defects)
    return reader.read()


def message_ids(text: str | None) -> tuple[str, ...]:
    """The message ids in a Message-ID, In-Reply-To or References value, without brackets."""
    if not text:
        return ()
    found = _MESSAGE_ID.findall(text)
    if not found:
        # Some mailers drop the angle brackets; one bare token is still an id.
        token = text.strip()
        found = [token] if token and not _WHITESPACE.search(token) else []
    usable = (i for i in found if len(i) <= MAX_MESSAGE_ID)
    return tuple(dict.fromkeys(usable))[:_MAX_THREAD_IDS]


def _readable_part(raw: bytes, defects: list[str]) -> bytes:
    """The message, or of a huge one-part message only its start.

    A case keeps at most `MAX_TEXT` characters, and the parser needs several times a message's
    size in memory: a 40 MB page of HTML would cost the function its memory for text nobody
    reads. A multipart message is read whole, since its attachments are kept.
    """
    if len(raw) <= _READ_WHOLE:
        return raw
    match = _HEADER_END.search(raw, 0, _READ_WHOLE)
    if match is None:
        return raw
    head = raw[: match.end()]
    try:
        content_type = (
            BytesParser(policy=email_policy.compat32)
            .parsebytes(head, headersonly=True)
            .get_content_maintype()
        )
    except Exception:
        return raw
    if content_type in ("multipart", "message"):
        return raw
    limit = match.end() + _ONE_PART_BODY_READ
    cut = raw.rfind(b"\n", match.end(), limit)
    defects.append(f"a one-part message of {len(raw)} bytes: only its start was read")
    return raw[: cut + 1 if cut > match.end() else limit]


def _parse_bytes(raw: bytes, defects: list[str]) -> Message | None:
    for policy in (email_policy.default, email_policy.compat32):
        try:
            return BytesParser(policy=policy).parsebytes(raw)
        # The parser is meant never to raise; if it does, the message must still be recorded.
        except Exception as error:
            defects.append(f"{policy.__class__.__name__} parser failed: {type(error).__name__}")
    return None


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


def _legacy_header_text(raw_value: str) -> str:
    """A header value decoded the compat32 way: 8-bit bytes guessed, RFC 2047 words decoded."""
    text = _FOLD.sub("", undo_surrogate_escape(raw_value))
    try:
        chunks = decode_header(text)
    except Exception:  # a malformed encoded word; the undecoded text is still worth keeping
        return text
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        elif charset is None:
            # decode_header hands back unencoded runs as raw-unicode-escape bytes.
            parts.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            parts.append(decode_bytes(chunk, charset))
    return "".join(parts)


def _header_text(message: Message, name: str, raw_value: str) -> str:
    try:
        modern: str | None = str(message.policy.header_fetch_parse(name, raw_value))
    except Exception:
        modern = None
    # The modern policy turns bytes it cannot decode into U+FFFD; the legacy path guesses better.
    if modern is None or _LOSSY.search(modern):
        return _one_line(_legacy_header_text(raw_value))
    return _one_line(modern)


def _addresses(message: Message, name: str, raw_value: str) -> list[MailAddress]:
    pairs: list[tuple[str, str]] = []
    try:
        header: Any = message.policy.header_fetch_parse(name, raw_value)
        pairs = [(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:
        pairs = []
    if not any(_ADDRESS.fullmatch(addr) for _, addr in pairs):
        unfolded = _FOLD.sub("", undo_surrogate_escape(raw_value))
        try:
            pairs = [(_legacy_header_text(n), a) for n, a in getaddresses([unfolded])]
        except Exception:
            pairs = []
    found = []
    for display, addr_spec in pairs:
        address = _one_line(undo_surrogate_escape(addr_spec))
        if not _ADDRESS.fullmatch(address):
            continue
        local, _, domain = address.rpartition("@")
        shown = _one_line(undo_surrogate_escape(display or "")[: MAX_NAME * 4])
        name_text = _FORMAT_CHARACTERS.sub("", shown).strip("\"'")[:MAX_NAME].strip() or None
        found.append(MailAddress(address=f"{local}@{domain.lower()}", name=name_text))
    return found


def _sent_at(message: Message, raw_value: str) -> datetime | None:
    value: datetime | None
    try:
        header: Any = message.policy.header_fetch_parse("Date", raw_value)
        value = header.datetime
    except Exception:
        value = None
    if value is None:
        try:
            value = parsedate_to_datetime(_one_line(_legacy_header_text(raw_value)))
        except Exception:
            return None
    if value.tzinfo is None or value.utcoffset() is None:
        # "-0000" says the zone is unknown (RFC 5322); UTC is the honest reading.
        value = value.replace(tzinfo=UTC)
    if not 1970 <= value.year <= 2200:
        return None
    return value


def _safe(call: Any, default: Any = None) -> Any:
    try:
        return call()
    except Exception:
        return default


def _content_type(part: Message) -> str:
    return str(_safe(part.get_content_type, "text/plain")).lower()


def _disposition(part: Message) -> str | None:
    value = _safe(part.get_content_disposition)
    return str(value).lower() if value else None


def _filename(part: Message) -> str | None:
    name = _safe(part.get_filename)
    if not isinstance(name, str):
        return None
    name = _legacy_header_text(name) if "=?" in name else undo_surrogate_escape(name)
    name = _FORMAT_CHARACTERS.sub("", _one_line(name[: MAX_FILENAME * 4]))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[-MAX_FILENAME:]
    return name or None


def _payload_bytes(part: Message) -> bytes:
    data = _safe(lambda: part.get_payload(decode=True))
    if isinstance(data, bytes):
        return data
    payload = _safe(part.get_payload)
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _part_text(part: Message) -> str:
    html = _content_type(part) == "text/html"
    # Far more than a case keeps is not worth decoding (a 40 MB page would be copied twice more);
    # four bytes a character covers any charset, and the whole part stays in the raw copy.
    limit = MAX_TEXT * (20 if html else 2) * 4
    data = _payload_bytes(part)
    if len(data) > limit:
        # Cut at a line end so no character is split (a split one would fail the charset).
        cut = data.rfind(b"\n", 0, limit)
        data = data[: cut if cut > limit // 2 else limit]
    text = decode_bytes(data, _safe(part.get_content_charset))
    text = text.replace("\r\n", "\n")
    if html:
        return html_to_text(text[: MAX_TEXT * 20])
    return text


def _uudecode_line(line: str) -> bytes:
    data = line.encode("latin-1", "replace")
    try:
        return binascii.a2b_uu(data)
    except binascii.Error:
        # Some encoders pad lines oddly; the length byte says how much is real (as `uu` did).
        nbytes = (((data[0] - 32) & 63) * 4 + 5) // 3
        return binascii.a2b_uu(data[:nbytes])


def extract_uuencoded(text: str) -> tuple[str, list[MailAttachment]]:
    """Uuencoded files pasted into a text body (old mailers still do it), taken out as files."""
    found: list[MailAttachment] = []
    pieces: list[str] = []
    position = 0
    for begin in _UU_BEGIN.finditer(text):
        if begin.start() < position:
            continue
        end = _UU_END.search(text, begin.end())
        if end is None:
            break
        lines = text[begin.end() : end.start()].strip("\n").split("\n")
        try:
            content = b"".join(_uudecode_line(line) for line in lines if line.strip())
        except (binascii.Error, IndexError):
            continue
        filename = _one_line(begin.group(1)).replace("\\", "/").rsplit("/", 1)[-1] or "file"
        found.append(
            MailAttachment(
                filename=filename, content_type="application/octet-stream", content=content
            )
        )
        pieces.append(text[position : begin.start()])
        pieces.append(f"[attachment: {filename}]")
        position = end.end()
    if not found:
        return text, []
    pieces.append(text[position:])
    return "".join(pieces), found


def _tidy_body(text: str) -> str:
    text = clean_text(text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rstrip() + _TRUNCATED_NOTE
    return text


class _Reader:
    """Reads one parsed message field by field, noting defects instead of raising."""

    def __init__(self, message: Message, defects: list[str]) -> None:
        self.message = message
        self.defects = defects
        self.raw_headers: list[tuple[str, str]] = list(_safe(message.raw_items, []))
        self.headers: dict[str, list[str]] = {}
        self.part_types: list[str] = []
        self.extra_text: list[str] = []
        self.attachments: list[MailAttachment] = []

    def read(self) -> ParsedEmail:
        self._read_headers()
        root = self._recover_multipart(self.message)
        body = self._choose_body(root)
        self._walk(root, body, in_alternative=False)
        texts = [_part_text(body)] if body is not None else []
        texts.extend(self.extra_text)
        text, uu_files = extract_uuencoded("\n\n".join(t for t in texts if t.strip()))
        self._attach(*uu_files)
        self._note_message_defects(self.message, root)
        date_raw = self._first_raw("date")
        for name in ("message-id", "in-reply-to", "references"):
            if any(len(v) > MAX_MESSAGE_ID for v in self.headers.get(name, ())):
                self.defects.append(f"an id in {name} longer than {MAX_MESSAGE_ID} characters")
        reply_to = self._addresses_of("reply-to")
        return ParsedEmail(
            # Sender stands in when From is unreadable (RFC 5322 names the mailbox that sent it).
            from_addresses=tuple(self._addresses_of("from") or self._addresses_of("sender")),
            reply_to=reply_to[0] if reply_to else None,
            subject=(self.headers.get("subject") or [""])[0][:MAX_SUBJECT],
            text=_tidy_body(text),
            body_type=_content_type(body) if body is not None else None,
            sent_at=_sent_at(self.message, date_raw) if date_raw is not None else None,
            message_id=next(iter(message_ids(self._first_text("message-id"))), None),
            in_reply_to=message_ids(self._first_text("in-reply-to")),
            references=message_ids(" ".join(self.headers.get("references", []))),
            content_type=_content_type(self.message),
            report_type=self._report_type(),
            part_types=tuple(dict.fromkeys(self.part_types)),
            attachments=tuple(self.attachments),
            headers={name: tuple(values) for name, values in self.headers.items()},
            defects=tuple(dict.fromkeys(self.defects)),
        )

    # -- headers ---------------------------------------------------------------------------

    def _read_headers(self) -> None:
        if len(self.raw_headers) > _MAX_HEADERS:
            self.defects.append(f"more than {_MAX_HEADERS} headers: the rest were not read")
        for name, raw_value in self.raw_headers[:_MAX_HEADERS]:
            key = _one_line(undo_surrogate_escape(name)).lower()
            value = _header_text(self.message, name, raw_value)[:_MAX_HEADER_VALUE]
            self.headers.setdefault(key, []).append(value)
        if len(self.headers.get("from", [])) > 1:
            self.defects.append("several From headers")

    def _first_raw(self, name: str) -> str | None:
        return next((v for k, v in self.raw_headers if k.lower() == name), None)

    def _first_text(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0] if values else None

    def _addresses_of(self, name: str) -> list[MailAddress]:
        found: list[MailAddress] = []
        for key, raw_value in self.raw_headers[:_MAX_HEADERS]:
            if key.lower() == name:
                found.extend(_addresses(self.message, key, raw_value))
        return found

    def _report_type(self) -> str | None:
        if _content_type(self.message) != "multipart/report":
            return None
        value = _safe(lambda: self.message.get_param("report-type"))
        return _one_line(str(value)).lower() if isinstance(value, str) else None

    # -- structure -------------------------------------------------------------------------

    def _recover_multipart(self, message: Message) -> Message:
        """A multipart message whose boundary is missing or wrong, re-read with the boundary
        its body actually uses; otherwise the message itself."""
        if not _content_type(message).startswith("multipart/") or message.is_multipart():
            return message
        payload = _safe(message.get_payload)
        if not isinstance(payload, str):
            return message
        counts: dict[str, int] = {}
        for match in _BOUNDARY_LINE.finditer(payload):
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
        candidates = [b for b, n in counts.items() if n >= 2]
        if not candidates:
            self.defects.append("multipart message without a usable boundary: read as text")
            return message
        boundary = max(candidates, key=lambda b: counts[b])
        header = f'Content-Type: {_content_type(message)}; boundary="{boundary}"\r\n\r\n'
        try:
            body = payload.encode("utf-8", "surrogateescape")
            recovered = BytesParser(policy=message.policy).parsebytes(header.encode() + body)
        except Exception:
            return message
        if not recovered.is_multipart():
            return message
        self.defects.append("multipart boundary missing or wrong: recovered from the body")
        return recovered

    def _choose_body(self, root: Message) -> Message | None:
        get_body = getattr(root, "get_body", None)
        body: Message | None = None
        if get_body is not None:
            body = _safe(lambda: get_body(preferencelist=("plain", "html")))
            # Some mailers send an empty plain part beside the real HTML one.
            if (
                body is not None
                and _content_type(body) == "text/plain"
                and not _part_text(body).strip()
            ):
                body = _safe(lambda: get_body(preferencelist=("html",))) or body
        if body is None:
            body = next(
                (
                    part
                    for part in _safe(lambda: list(root.walk()), [root])
                    if not part.is_multipart()
                    and _content_type(part) in ("text/plain", "text/html")
                    and _disposition(part) != "attachment"
                ),
                None,
            )
        return body

    def _walk(self, part: Message, body: Message | None, *, in_alternative: bool) -> None:
        content_type = _content_type(part)
        self.part_types.append(content_type)
        if part is body:
            return
        if content_type in ("message/rfc822", "message/global"):
            self._attach_message(part)
            return
        if part.is_multipart():
            in_alternative = in_alternative or content_type == "multipart/alternative"
            children = _safe(part.get_payload, [])
            for child in children if isinstance(children, list) else []:
                if isinstance(child, Message):
                    self._walk(child, body, in_alternative=in_alternative)
            return
        filename = _filename(part)
        is_text = content_type in ("text/plain", "text/html")
        if is_text and filename is None and _disposition(part) != "attachment":
            # Another rendering of the body, or more body text split around an inline image.
            if not in_alternative:
                self.extra_text.append(_part_text(part))
            return
        self._attach(
            MailAttachment(
                filename=filename or f"attachment-{len(self.attachments) + 1}",
                content_type=content_type,
                content=_payload_bytes(part),
            )
        )

    def _attach_message(self, part: Message) -> None:
        inner = _safe(part.get_payload)
        content: bytes | None = None
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            content = _safe(lambda: inner[0].as_bytes(policy=email_policy.compat32))
        if content is None:
            content = _payload_bytes(part)
        self._attach(
            MailAttachment(
                filename=_filename(part) or f"forwarded-message-{len(self.attachments) + 1}.eml",
                content_type="message/rfc822",
                content=content,
            )
        )

    def _attach(self, *attachments: MailAttachment) -> None:
        for attachment in attachments:
            if len(self.attachments) >= MAX_ATTACHMENTS:
                self.defects.append(
                    f"more than {MAX_ATTACHMENTS} attachments: the rest stay in the original"
                )
                return
            self.attachments.append(attachment)

    def _note_message_defects(self, *roots: Message) -> None:
        for root in roots:
            for part in _safe(lambda r=root: list(r.walk()), [root]):
                for defect in getattr(part, "defects", ()):
                    self.defects.append(type(defect).__name__)
