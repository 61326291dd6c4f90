"""The officer hears what became of a quarantined file once GuardDuty has scanned it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest

from sla_monitor.attachments_release import QuarantineRelease, ScanResult, record_scan_result
from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.residents import send_more_information
from sla_monitor.store.ports import customer_key
from sla_monitor.web.your_cases.uploads import Upload, keep_uploads

from .conftest import RESIDENT, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)
SUBMISSION = "0123456789abcdef0123456789abcdef"


class Bucket:
    def release(
        self, key: str, *, version_id: str | None, to: str, metadata: Mapping[str, str]
    ) -> None:
        pass


def a_file_in_quarantine(town) -> tuple[str, str]:
    case = town.receive(MONDAY)
    (kept,) = keep_uploads(
        [Upload("mould on the wall.jpg", "image/jpeg", b"jpeg")],
        submission_id=SUBMISSION,
        raw_mail=InMemoryRawMailStore(),
    )
    send_more_information(
        case.reference,
        "A photo",
        resident=customer_key(RESIDENT) or "",
        submission_id=SUBMISSION,
        attachments=(kept,),
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        now=MONDAY + timedelta(minutes=5),
    )
    return case.reference, kept.s3_key


@pytest.mark.parametrize(
    ("status", "subject", "says"),
    [
        ("NO_THREATS_FOUND", "a file the customer sent can now be opened", "No threats were found"),
        ("THREATS_FOUND", "a file the customer sent has been withheld", "a threat was found"),
        ("UNSUPPORTED", "a file the customer sent could not be scanned", "stays in quarantine"),
    ],
)
def test_the_officer_is_told_what_became_of_the_file(town, status, subject, says):
    reference, key = a_file_in_quarantine(town)
    town.sweep(MONDAY + timedelta(minutes=5))  # the reply itself is told first
    work = QuarantineRelease(
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        bucket=Bucket(),
        bucket_name="raw-mail",
    )
    scanned_at = MONDAY + timedelta(minutes=9)
    record_scan_result(ScanResult("raw-mail", key, "v1", status), work=work, now=scanned_at)
    record_scan_result(ScanResult("raw-mail", key, "v1", status), work=work, now=scanned_at)

    town.sweep(scanned_at)

    told = [m for m in town.mail_to(HEAD_OF_HOUSING) if str(m["Subject"]).endswith(subject)]
    assert len(told) == 1
    assert str(told[0]["Subject"]) == f"{reference}: {subject}"
    body = text_of(told[0])
    assert says in body
    assert "mould" not in body.lower()  # the file's name stays on the case
