"""Turning the bytes of a mail part or header into text, whatever charset it claims.

Real mail lies about its charset, names charsets Python does not know, or names none. The rule:
trust a charset we know when the bytes decode cleanly with it, else try UTF-8, else fall back to
windows-1252 (which decodes almost any byte), so text is never lost and decoding never raises.
"""

from __future__ import annotations

import codecs
import re

# Labels mailers use that Python's codec registry does not know, or knows by another name.
_ALIASES = {
    "ks_c_5601-1987": "cp949",  # Outlook's name for Korean
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",  # GB 18030 is a superset; mailers often send GBK bytes labelled GB2312
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
}
# Labels that say "some 8-bit charset, we do not know which".
_UNKNOWN_LABELS = frozenset(
    {"unknown-8bit", "unknown", "x-unknown", "x-user-defined", "default", "8bit", "binary"}
)
# Browsers and mail clients read Latin-1 labels as windows-1252 (the WHATWG encoding standard):
# curly quotes and the euro sign arrive as 0x80-0x9F bytes in "iso-8859-1" mail.
_READ_AS_WINDOWS_1252 = frozenset({"iso8859-1", "latin-1"})

_SURROGATES = re.compile(r"[\ud800-\udfff]")
# C0 controls except tab and newline, DEL, and C1 controls: never meaningful in a case record.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None when it names nothing usable."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    if not name or name in _UNKNOWN_LABELS:
        return None
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # bytes-to-bytes codecs such as "base64" or "zlib" are in the registry too; they are not text.
    if not getattr(info, "_is_text_encoding", True):
        return None
    if info.name in _READ_AS_WINDOWS_1252:
        return "cp1252"
    return info.name


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes in a declared (possibly wrong or unknown) charset. Never raises."""
    codec = codec_for(declared)
    for candidate in dict.fromkeys(c for c in (codec, "utf-8") if c):
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return text.removeprefix("\ufeff")
    try:
        return data.decode(codec or "cp1252", errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def undo_surrogate_escape(text: str) -> str:
    """Text the email parser read as ASCII with undecodable bytes escaped, decoded properly.

    The byte parser keeps 8-bit header bytes as lone surrogates; they are the original bytes, so
    we decode them as a charset would be guessed for a body part.
    """
    if not _SURROGATES.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return clean_text(text)
    return decode_bytes(raw)


def clean_text(text: str) -> str:
    """Text safe to store: no lone surrogates (UTF-8 cannot encode them), no control characters."""
    text = _SURROGATES.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)
