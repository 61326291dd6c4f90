"""Files a resident sends with more information: read from a multipart form, kept in the
raw-mail bucket under the attachments prefix, as email attachments are.

SES scans only what arrives by email, so every upload is kept as email attachments are when SES
could not finish its scan: in the quarantine folder, as plain bytes, marked quarantined, and not
offered to staff until GuardDuty's malware scan finds it clean and a copy is released
(`sla_monitor.attachments_release`).

Each file is written once: a submission sent again never replaces a stored file (the pages check
the submission was not taken in before keeping anything, and S3 refuses a write to a key that
holds an object), so the name, size and scan result staff see are those of the bytes the case
names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import quote

from sla_monitor.intake import Attachment
from sla_monitor.mail.raw_mail import RawMailStore
from sla_monitor.residents import StepNotAvailable
from sla_monitor.web.errors import FormTooLarge, UnreadableForm, WrongContentType
from sla_monitor.web.forms import read_form

MULTIPART = "multipart/form-data"
MAX_FILES = 5
MAX_FILE_BYTES = 3 * 1024 * 1024
# API Gateway passes a binary body to Lambda base64-encoded, within Lambda's 6 MB request limit.
MAX_BODY_BYTES = 4 * 1024 * 1024
ATTACHMENT_PREFIX = "attachments/"
NOT_SCANNED = "not scanned: sent through the residents' pages"
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    content: bytes


def read_form_with_files(
    body: bytes | None, content_type: str | None
) -> tuple[dict[str, str], list[Upload]]:
    """The fields and files of a posted form; a form without files may come urlencoded."""
    header = content_type or ""
    if header.split(";", 1)[0].strip().lower() != MULTIPART:
        return read_form(body, content_type), []
    if not body:
        raise UnreadableForm("empty multipart body")
    if len(body) > MAX_BODY_BYTES:
        raise FormTooLarge(len(body))
    if "\r" in header or "\n" in header:
        raise WrongContentType("malformed")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {header}\r\nMIME-Version: 1.0\r\n\r\n".encode("ascii", "replace") + body
    )
    if not message.is_multipart():
        raise UnreadableForm("not multipart")
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            try:
                fields.setdefault(name, content.decode("utf-8"))
            except UnicodeDecodeError as error:
                raise UnreadableForm("field not UTF-8") from error
        elif content:  # a file input left empty sends a part with no name and no bytes
            claimed = part.get_content_type().lower()
            uploads.append(
                Upload(
                    filename=filename[:255],
                    content_type=claimed
                    if _CONTENT_TYPE.match(claimed)
                    else "application/octet-stream",
                    content=content,
                )
            )
    return fields, uploads


def check_uploads(uploads: list[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise StepNotAvailable(f"Select up to {MAX_FILES} files")
    for upload in uploads:
        if len(upload.content) > MAX_FILE_BYTES:
            raise StepNotAvailable(
                f"Each file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB"
            )


class SubmissionTaken(StepNotAvailable):
    """Files are kept under this submission already. They stay as they are, for they are what
    the case names and the scan reads; these are not kept, and the resident sends them again
    from a fresh form."""

    def __init__(self) -> None:
        super().__init__("Your files could not be sent. Select them again and send them")


def keep_uploads(
    uploads: list[Upload], *, submission_id: str, raw_mail: RawMailStore
) -> tuple[Attachment, ...]:
    """Keep each file in quarantine, once, and describe it for the case's timeline. A file is
    never written over: what staff are shown (its name and size) and what the virus scan
    reads are the bytes the case names. SubmissionTaken when a file of this submission is
    stored already."""
    # Loaded with the first files, not on every cold start: the mail intake's module is large.
    from sla_monitor.mail.receive import QUARANTINE, safe_file_name

    folder = f"{ATTACHMENT_PREFIX}{QUARANTINE}your-cases-{submission_id}/"
    kept = []
    for number, upload in enumerate(uploads, start=1):
        key = f"{folder}{number:03d}-{safe_file_name(upload.filename)}"
        kept_now = raw_mail.keep_once(
            key,
            upload.content,
            content_type="application/octet-stream",
            metadata={
                "filename": quote(upload.filename, safe=" ")[:1024],
                "submission": submission_id,
                "virus-verdict": NOT_SCANNED,
            },
        )
        if not kept_now:
            raise SubmissionTaken()
        kept.append(
            Attachment(
                filename=upload.filename,
                content_type=upload.content_type,
                size=len(upload.content),
                s3_key=key,
                quarantined=True,
            )
        )
    return tuple(kept)
