"""The work list as a spreadsheet, prepared as a job apart from the page that asks for it.

A council's open cases run to thousands: a CSV of them all is megabytes, more than a page should
carry, and reading them takes longer than a page should wait. So an officer's "download" keeps an
export record (who asked, the view: the reach they had and the filter they chose) and starts the
job (`ExportStarter`: in AWS an asynchronous invocation of the export function); the job reads
every page of that view from the work list's shelves, writes the CSV to the bucket under
`exports/`, and records the export ready with its row count, or failed with a reason staff can
read. The export's page then offers a link to the file that works for a few minutes. Records and
files are gone after a day.

A job run twice (Lambda retries an invocation that crashed or timed out) writes one file: the
file's key comes from the export, it is written only if no file is there yet, and an export
finished already is left as it is.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.directory import Directory
from sla_monitor.store.ports import CaseStore, ExportStatus, WorkListExport, WorkListExports
from sla_monitor.work_list import (
    CaseView,
    Reach,
    WorkListFilter,
    case_view,
    matches,
    promise_label,
    standing,
)
from sla_monitor.work_list_reading import read_work_list, search_work_list

if TYPE_CHECKING:
    from sla_monitor.policy import Policy
    from sla_monitor.runtime import Services

# Where the files are kept in the bucket; a lifecycle rule there removes them after a day.
EXPORTS_PREFIX = "exports/"
# How long an export is kept: the record (its TTL) and its file (the bucket's lifecycle rule).
EXPORT_LIFETIME = timedelta(days=1)
# How long a link to the file works: long enough to start the download, short enough that a link
# copied out of the browser is soon of no use.
LINK_LIFETIME_SECONDS = 300
# Past this an export still preparing has failed: every attempt Lambda makes (the function's
# timeout, three times, with Lambda's minutes between) is over.
GIVEN_UP_AFTER = timedelta(minutes=30)
# Cases a page of the job reads; and shelf entries it may pass over for a filter no shelf serves
# before it starts the next page from where it stopped (so nothing is skipped).
PAGE_SIZE = 500
READ_BUDGET = 5000

COLUMNS = (
    "reference",
    "type",
    "stage",
    "channel",
    "received",
    "customer",
    "email",
    "department",
    "owner",
    "next promise",
    "next due",
    "next state",
    "breached",
)

FAILED_REASON = (
    "Something went wrong while the list was being prepared. Download the list again from the "
    "work list; if it fails again, tell the service's administrators."
)
GIVEN_UP_REASON = (
    "The list took too long to prepare. Download the list again from the work list, or choose "
    "a department, an officer or a type to make it shorter."
)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def filename(export: WorkListExport) -> str:
    """The file's name as the officer's browser saves it: the day it was asked for."""
    return f"cases-{export.created_at.astimezone(LONDON).date().isoformat()}.csv"


def file_key(export: WorkListExport) -> str:
    """Where the export's file is kept: one place for each export, whoever writes it."""
    return f"{EXPORTS_PREFIX}{export.export_id}/{filename(export)}"


class ExportStage(enum.StrEnum):
    """How an export stands for the officer waiting on it."""

    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


def stage_of(export: WorkListExport, now: datetime) -> ExportStage:
    if now >= export.created_at + EXPORT_LIFETIME:
        return ExportStage.EXPIRED
    if export.status is ExportStatus.PREPARING:
        given_up = now >= export.created_at + GIVEN_UP_AFTER
        return ExportStage.FAILED if given_up else ExportStage.PREPARING
    return ExportStage(export.status.value)


def reason_of(export: WorkListExport, now: datetime) -> str | None:
    """Why a failed export failed, as staff read it."""
    if stage_of(export, now) is not ExportStage.FAILED:
        return None
    return export.reason or GIVEN_UP_REASON


# -- ports ----------------------------------------------------------------------------------------


class ExportStarter(Protocol):
    def start(self, export_id: str) -> None:
        """Have the export prepared, apart from the request that asked for it."""
        ...


class ExportFiles(Protocol):
    def keep_once(self, key: str, content: bytes, *, rows: int) -> int:
        """Keep `content` under `key` unless a file is kept there already; the rows of the file
        kept there (this one's, or the one written first)."""
        ...

    def link(self, key: str, filename: str) -> str:
        """An address the browser can download the file from, for a few minutes."""
        ...


# -- starting an export ---------------------------------------------------------------------------


def start_export(
    store: WorkListExports,
    starter: ExportStarter,
    *,
    officer_id: str,
    reach: Reach,
    wanted: WorkListFilter,
    now: datetime,
) -> WorkListExport:
    """Keep a new export of the view and start the job that prepares it."""
    export = WorkListExport(
        export_id=secrets.token_hex(16),
        officer_id=officer_id,
        reach=reach,
        wanted=wanted,
        created_at=now,
    )
    store.keep_export(export, expires_at=now + EXPORT_LIFETIME)
    starter.start(export.export_id)
    return export


# -- the job --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What one run of the job did, for its log: never the view's words or a case's details."""

    outcome: str  # "ready", "failed", "finished already", "not found"
    rows: int | None = None
    error_type: str | None = None

    def log_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"outcome": self.outcome}
        if self.rows is not None:
            fields["rows"] = self.rows
        if self.error_type is not None:
            fields["error_type"] = self.error_type
        return fields


@dataclass
class ExportWork:
    """The job's collaborators."""

    store: CaseStore
    files: ExportFiles
    policy: Policy
    calendar: WorkingDayCalendar
    directory: Directory
    reference_prefix: str


def export_work(bundle: Services) -> ExportWork:
    """The job's collaborators from the runtime's services: the files in the raw-mail bucket."""
    return ExportWork(
        store=bundle.store,
        files=S3ExportFiles(bundle.client("s3"), bundle.settings.raw_mail_bucket),
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        reference_prefix=bundle.council.reference_prefix,
    )


def views_of(export: WorkListExport, work: ExportWork, now: datetime) -> Iterator[CaseView]:
    """Every case of the export's view as the work list shows it: every page of the open cases
    soonest deadline first, or what a search found."""
    directory = work.directory

    def visible(case: Any) -> bool:
        return export.reach.covers(case, directory)

    common: dict[str, Any] = {
        "policy": work.policy,
        "calendar": work.calendar,
        "directory": directory,
        "now": now,
        "visible": visible,
    }
    if export.wanted.references:
        # The cases chosen in the list, in the order they were shown, each read once.
        for case in work.store.get_cases(list(export.wanted.references)):
            view = case_view(
                case, policy=work.policy, calendar=work.calendar, directory=directory, now=now
            )
            if visible(case) and matches(view, export.wanted, calendar=work.calendar, now=now):
                yield view
        return
    if export.wanted.search:
        views, _ = search_work_list(
            work.store,
            work.store,
            export.wanted,
            reference_prefix=work.reference_prefix,
            **common,
        )
        yield from views
        return
    after: str | None = None
    while True:
        page = read_work_list(
            work.store,
            reach=export.reach,
            wanted=replace(export.wanted, search=None),
            after=after,
            page_size=PAGE_SIZE,
            budget=READ_BUDGET,
            **common,
        )
        yield from page.views
        if page.after is None:
            return
        after = page.after


def csv_of(
    views: Iterator[CaseView], *, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> tuple[bytes, int]:
    """The CSV of the views, and how many rows it has (the heading apart)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = 0
    for view in views:
        case, clock = view.case, view.next_clock
        state = (
            standing(clock, policy=policy, calendar=calendar, now=now).label
            if clock
            else ("paused" if case.open_pause else "")
        )
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    case.reference,
                    case.case_type.value,
                    str(case.stage),
                    case.channel.value,
                    case.received_at.astimezone(LONDON).isoformat(),
                    case.customer.name or "",
                    case.customer.email or "",
                    view.department or "",
                    view.owner or "",
                    promise_label(clock) if clock else "",
                    clock.due_day.isoformat() if clock and clock.due_day else "",
                    state,
                    "yes" if view.breached else "no",
                )
            ]
        )
        rows += 1
    return out.getvalue().encode("utf-8"), rows


def prepare_export(export_id: str, *, work: ExportWork, now: datetime) -> Prepared:
    """Write the export's file and record it ready, or record why it failed."""
    export = work.store.get_export(export_id)
    if export is None:
        return Prepared("not found")
    if export.status is not ExportStatus.PREPARING:
        return Prepared("finished already")
    try:
        content, rows = csv_of(
            views_of(export, work, now), policy=work.policy, calendar=work.calendar, now=now
        )
        key = file_key(export)
        kept = work.files.keep_once(key, content, rows=rows)
    except Exception as error:  # any failure ends the officer's wait, with what to do next
        work.store.finish_export(
            replace(export, status=ExportStatus.FAILED, reason=FAILED_REASON, finished_at=now)
        )
        return Prepared("failed", error_type=type(error).__name__)
    ready = replace(export, status=ExportStatus.READY, rows=kept, key=key, finished_at=now)
    if not work.store.finish_export(ready):
        return Prepared("finished already")
    return Prepared("ready", rows=kept)


# -- adapters -------------------------------------------------------------------------------------


class LambdaExportStarter:
    """Invokes the export function asynchronously: the page answers at once, and Lambda retries
    an invocation that crashes."""

    def __init__(self, client: Any, function_name: str) -> None:
        self.client = client
        self.function_name = function_name

    def start(self, export_id: str) -> None:
        self.client.invoke(
            FunctionName=self.function_name,
            InvocationType="Event",
            Payload=json.dumps({"export_id": export_id}).encode(),
        )


@dataclass
class InProcessExportStarter:
    """Prepares the export in this process (no Lambda service on a person's computer): in a
    thread of its own, as the export function would apart from the page, or at once."""

    prepare: Callable[[str], object]
    background: bool = True
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, export_id: str) -> None:
        if not self.background:
            self.prepare(export_id)
            return
        thread = threading.Thread(
            target=self.prepare, args=(export_id,), name=f"export-{export_id[:8]}", daemon=True
        )
        self.threads.append(thread)
        thread.start()


class S3ExportFiles:
    """Export files in the bucket, encrypted with the bucket's key, downloaded through presigned
    GETs signed with the function's own credentials."""

    def __init__(self, client: Any, bucket: str, *, lifetime: int = LINK_LIFETIME_SECONDS) -> None:
        self.client = client
        self.bucket = bucket
        self.lifetime = lifetime

    def keep_once(self, key: str, content: bytes, *, rows: int) -> int:
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=content,
                ContentType="text/csv; charset=utf-8",
                # Encrypted by the bucket's default, SSE-KMS with the stack's own key: naming
                # aws:kms here without the key would use S3's AWS-managed key instead.
                Metadata={"rows": str(rows)},
                IfNoneMatch="*",  # a retried job never writes a second, different file
            )
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
                raise
            kept = self.client.head_object(Bucket=self.bucket, Key=key)
            return int(kept["Metadata"]["rows"])
        return rows

    def link(self, key: str, filename: str) -> str:
        address: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": (
                    f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
                ),
                "ResponseContentType": "text/csv; charset=utf-8",
            },
            ExpiresIn=self.lifetime,
        )
        return address


@dataclass
class InMemoryExportFiles:
    """Stands in for the bucket in unit tests."""

    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)

    def keep_once(self, key: str, content: bytes, *, rows: int) -> int:
        return self.files.setdefault(key, (content, rows))[1]

    def link(self, key: str, filename: str) -> str:
        return f"https://files.example/{key}?download={quote(filename)}"
