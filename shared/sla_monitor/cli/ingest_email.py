"""`sla-monitor ingest-email FILE...`: take in .eml files the way the email intake function does.

Each file is first stored in the raw-mail bucket under the inbound prefix, as SES's S3 action
would store it, then taken in by the same use case the Lambda function calls. The object name is
the file's content hash, so ingesting a file twice gives one outcome, as SES delivering twice does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sla_monitor.cli.common import add_target_arguments, instant_argument, target_services
from sla_monitor.mail.classification import load_classification_rules
from sla_monitor.mail.events import delivery_for_object
from sla_monitor.mail.receive import EmailOutcome, mail_intake, take_in_delivery
from sla_monitor.settings import read_settings
from sla_monitor.settings.pieces import MailSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest-email",
        help="take in .eml files as if they had arrived at the council's address",
        description=(
            "Store each .eml file in the raw-mail bucket and take it in by the same path as "
            "email arriving through SES: a new case, a reply on an existing case, or a triage "
            "record with the reason. Prints one line per file."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="an .eml file")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per line instead of text"
    )
    parser.add_argument(
        "--received",
        type=instant_argument,
        metavar="ISO",
        help="when the mail was received, ISO 8601 (without an offset, London time); "
        "SES gives this in production; default now",
    )
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    received_at: datetime = args.received or now
    settings = read_settings(MailSettings)
    failures = 0
    with target_services(args) as bundle:
        intake = mail_intake(bundle, settings, load_classification_rules())
        s3 = bundle.client("s3")
        bucket = bundle.settings.raw_mail_bucket
        for path in args.files:
            try:
                raw = path.read_bytes()
            except OSError as error:
                failures += 1
                _print(args, {"file": str(path), "outcome": "error", "reason": error.strerror})
                continue
            key = f"{settings.raw_mail_prefix}eml-{hashlib.sha256(raw).hexdigest()[:40]}"
            try:
                s3.put_object(Bucket=bucket, Key=key, Body=raw, ContentType="message/rfc822")
                delivery = delivery_for_object(
                    bucket, key, prefix=settings.raw_mail_prefix, received_at=received_at
                )
                outcome = take_in_delivery(delivery, intake=intake, now=now)
            # One file the product cannot take in must not stop the batch: it is reported, the
            # rest go on, and the exit code says something failed. Only the error's type is
            # printed; its message may quote the mail.
            except Exception as error:
                failures += 1
                _print(
                    args, {"file": str(path), "outcome": "error", "reason": type(error).__name__}
                )
                continue
            _print(args, _line(path, outcome))
    return 1 if failures else 0


def _line(path: Path, outcome: EmailOutcome) -> dict[str, Any]:
    line: dict[str, Any] = {"file": str(path), "outcome": outcome.kind.value}
    if outcome.reference:
        line["reference"] = outcome.reference
    if outcome.reason:
        line["reason"] = outcome.reason.value
    if outcome.case_type:
        line["case_type"] = outcome.case_type.value
    line["detail"] = outcome.detail
    line["repeated"] = outcome.repeated
    return line


def _print(args: argparse.Namespace, line: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(line, ensure_ascii=False))
        return
    what = " ".join(
        str(line[k]) for k in ("reference", "reason", "case_type") if line.get(k) is not None
    )
    detail = line.get("detail") or ""
    if line.get("repeated"):
        detail = f"{detail} (taken in before)".strip()
    text = f"{line['file']}  {line['outcome']}  {what}"
    print(f"{text}  {detail}" if detail else text)
