"""Raw emails and the SES receipt events that deliver them, as SES would hand them to intake."""

from __future__ import annotations

import hashlib
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from sla_monitor_local.demo.scenario import Email

_BOUNCE_REPORT = """Reporting-MTA: dns; mx.example.net
Arrival-Date: {date}

Final-Recipient: rfc822; no-such-person@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown
"""


def ses_message_id(email: Email) -> str:
    """A stable id in the shape SES gives each received message."""
    digest = hashlib.sha256(f"{email.label}|{email.at.isoformat()}".encode()).hexdigest()
    return digest[:40]


def raw_email(
    email: Email,
    *,
    council_address: str,
    in_reply_to: str | None = None,
    reference: str | None = None,
) -> bytes:
    """The message as the resident's mail program would send it."""
    message = EmailMessage()
    message["From"] = email.sender
    message["To"] = f"Customer Services <{council_address}>"
    subject = email.subject
    if reference:
        subject = f"Re: {subject} [{reference}]"
    message["Subject"] = subject
    message["Date"] = format_datetime(email.at)
    domain = parseaddr(email.sender)[1].rpartition("@")[2] or "example.org"
    message["Message-ID"] = make_msgid(idstring=email.label, domain=domain)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    if email.style == "auto_reply":
        message["Auto-Submitted"] = "auto-replied"
        message["X-Autoreply"] = "yes"
        message.set_content(email.body)
    elif email.style == "bounce":
        return _delivery_report(email, message)
    elif email.style == "html":
        message.set_content(email.body, subtype="html")
    else:
        message.set_content(email.body)
    return bytes(message)


def _delivery_report(email: Email, headers: EmailMessage) -> bytes:
    """A mail server's delivery status notification (RFC 3464): multipart/report."""
    boundary = "report-" + hashlib.sha256(email.label.encode()).hexdigest()[:16]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    report = _BOUNCE_REPORT.format(date=format_datetime(email.at)).replace("\n", "\r\n")
    return (
        f"{head}MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        f"\r\n--{boundary}\r\n"
        f"Content-Type: text/plain; charset=us-ascii\r\n\r\n{email.body}\r\n"
        f"\r\n--{boundary}\r\n"
        f"Content-Type: message/delivery-status\r\n\r\n{report}"
        f"\r\n--{boundary}--\r\n"
    ).encode("ascii")


def ses_receipt_event(
    email: Email, raw: bytes, *, council_address: str, message_id: str
) -> dict[str, Any]:
    """The SES receipt rule's Lambda-action event for a message its S3 action stored."""
    sender = parseaddr(email.sender)[1]
    timestamp = email.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    spam = "FAIL" if email.style == "spam" else "PASS"
    headers = [
        {"name": "Return-Path", "value": f"<{sender}>"},
        {"name": "From", "value": email.sender},
        {"name": "To", "value": council_address},
        {"name": "Subject", "value": email.subject},
    ]
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": timestamp,
                        "source": sender,
                        "messageId": message_id,
                        "destination": [council_address],
                        "headersTruncated": False,
                        "headers": headers,
                        "commonHeaders": {
                            "returnPath": sender,
                            "from": [email.sender],
                            "to": [council_address],
                            "subject": email.subject,
                        },
                    },
                    "receipt": {
                        "timestamp": timestamp,
                        "processingTimeMillis": 412,
                        "recipients": [council_address],
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": "PASS"},
                        "spfVerdict": {"status": "PASS"},
                        "dkimVerdict": {"status": "PASS"},
                        "dmarcVerdict": {"status": "PASS"},
                        "action": {
                            "type": "Lambda",
                            "functionArn": (
                                "arn:aws:lambda:eu-west-2:123456789012:function:email-intake"
                            ),
                            "invocationType": "Event",
                        },
                    },
                },
            }
        ]
    }
