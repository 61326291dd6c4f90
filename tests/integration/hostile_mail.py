"""Messages built to hurt: too many parts, keys too long for DynamoDB, items too large for it,
more text than the function's memory. Made here rather than committed: the largest is 40 MB.
The small ones are in `tests/fixtures/emails` with the rest of the corpus."""

from __future__ import annotations

import base64


def _headers(content_type: str, *, sender: str = "Jane Resident", message_id: str = "") -> str:
    return (
        f"From: {sender} <jane.resident@example.org>\r\n"
        "To: customer.services@nwleicestershire.gov.uk\r\n"
        "Subject: Our bin was missed\r\n"
        "Date: Tue, 3 Mar 2026 09:14:55 +0000\r\n"
        f"Message-ID: <{message_id or 'hostile.0001@example.org'}>\r\n"
        "MIME-Version: 1.0\r\n"
        f"Content-Type: {content_type}\r\n"
    )


def many_attachments(count: int = 200) -> bytes:
    """More files than one DynamoDB transaction (100 items) could describe one by one."""
    parts = [
        _headers('multipart/mixed; boundary="b"', message_id="many-attachments@example.org"),
        "\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe photos of the missed bin are attached.\r\n",
    ]
    photo = base64.b64encode(b"\xff\xd8\xff\xe0 not much of a photo").decode()
    for number in range(count):
        parts.append(
            "--b\r\nContent-Type: image/jpeg\r\n"
            f'Content-Disposition: attachment; filename="photo-{number}.jpg"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{photo}\r\n"
        )
    parts.append("--b--\r\n")
    return "".join(parts).encode()


def long_from_name(length: int = 450_000) -> bytes:
    """A display name longer than a DynamoDB item may be (400 KB)."""
    sender = "J" * length
    return (
        _headers("text/plain", sender=sender, message_id="long-name@example.org")
        + "\r\nOur bin was missed.\r\n"
    ).encode()


def huge_html(megabytes: int = 40) -> bytes:
    """One part of HTML as large as SES accepts (40 MB)."""
    paragraph = "<p>The bin on Elm Road was missed again &amp; again this month.</p>\n"
    body = paragraph * (megabytes * 1024 * 1024 // len(paragraph))
    return (
        _headers("text/html; charset=utf-8", message_id="huge-html@example.org") + "\r\n" + body
    ).encode()
