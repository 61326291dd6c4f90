"""`sla-monitor privacy` against in-process AWS, through the production path: mail taken in by
`ingest-email` (its raw email and files in the bucket, mail set aside by triage), then found,
exported as a subject access bundle, and erased; what finding a person reads does not grow with
the archive; and only the Corporate Complaints Officer may do any of it."""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from sla_monitor.cli.main import main
from sla_monitor.privacy.holdings import Person, find_person
from sla_monitor.runtime import services

pytestmark = pytest.mark.slow(seconds=30)

EMAILS = Path(__file__).resolve().parents[1] / "fixtures" / "emails"
DAN = "dan.hughes@example.com"  # attachments.eml: fly-tipping, with a photo and a plan
JANE = "jane.resident@example.org"  # out_of_office.eml: set aside as an automatic reply
AS = "--as complaints-officer"


@pytest.fixture
def aws() -> Iterator[None]:
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        yield


def run(capsys, command: str) -> tuple[int, str, str]:
    code = main(shlex.split(command))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, command: str) -> dict:
    code, out, err = run(capsys, f"{command} --json")
    assert (code, err) == (0, ""), err
    found: dict = json.loads(out)
    return found


def take_in(capsys, *names: str) -> list[dict]:
    code, out, _ = run(
        capsys,
        "ingest-email --json --received 2026-12-01T10:00 "
        + " ".join(str(EMAILS / f"{n}.eml") for n in names),
    )
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def bucket_keys() -> set[str]:
    bundle = services()
    listed = bundle.client("s3").list_objects_v2(Bucket=bundle.settings.raw_mail_bucket)
    return {o["Key"] for o in listed.get("Contents", [])}


def test_a_persons_records_are_found_exported_and_erased(aws, capsys, tmp_path):
    (dan,) = take_in(capsys, "attachments")
    reference = dan["reference"]
    assert run(capsys, "check --now 2026-12-01T10:05")[0] == 0  # the acknowledgement goes
    closed = run(
        capsys,
        f"case close {reference} --reason resolved_by_phone --now 2026-12-02T10:00 "
        "--as complaints-officer",
    )
    assert closed[0] == 0, closed[2]

    found = run_json(capsys, f"privacy find --email {DAN} {AS}")
    assert found["cases"] == [{"reference": reference, "standing": "customer"}]
    files = [r["description"] for r in found["records"] if r["kind"] == "file"]
    # The raw email itself, then the files it brought (a forwarded email among them).
    assert len(files) == 4 and "sofa.jpg" in files
    letters = [r for r in found["records"] if r["kind"] == "letter"]
    assert letters and all(r["at"] for r in letters)  # each when it was sent

    written = run_json(
        capsys, f"privacy export --email {DAN} --output {tmp_path} --now 2026-12-03T09:00 {AS}"
    )
    assert written["missing"] == []
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == set(written["files"]) - {"manifest.json"}
    for entry in manifest["files"]:
        content = (tmp_path / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    assert any(p.endswith("sofa.jpg") for p in written["files"])
    index = (tmp_path / "index.html").read_text()
    assert f'href="cases/{reference}.html"' in index and "Why it is held" in index
    page = (tmp_path / "cases" / f"{reference}.html").read_text()
    assert 'class="redaction-review"' in page  # the officer dealing with it, at least

    stored_files = bucket_keys()
    planned = run_json(capsys, f"privacy erase --email {DAN} --reason 'Article 17' --dry-run {AS}")
    assert planned["done"] is False and planned["cases"] == [reference]
    assert bucket_keys() == stored_files

    erased = run_json(
        capsys,
        f"privacy erase --email {DAN} --reason 'Article 17' --requested-by SAR-7 {AS} "
        "--now 2026-12-04T09:00",
    )
    assert erased["done"] is True
    assert not set(planned["files"]) & bucket_keys()
    assert run_json(capsys, f"privacy find --email {DAN} {AS}") == {"cases": [], "records": []}
    case = services().store.get_case(reference)
    assert case.customer.email is None and case.subject == "(erased)"


def test_mail_set_aside_is_found_by_its_senders_address_and_erased(aws, capsys):
    (bounce,) = take_in(capsys, "out_of_office")
    assert bounce["outcome"] == "triage"

    found = run_json(capsys, f"privacy find --email {JANE} {AS}")
    assert [r["kind"] for r in found["records"]] == ["mail set aside"]

    run_json(capsys, f"privacy erase --email {JANE} --reason 'Article 17' {AS}")
    assert run_json(capsys, f"privacy find --email {JANE} {AS}")["records"] == []
    assert services().store.triage_records() == []


def test_finding_a_person_reads_the_same_however_large_the_archive(aws, capsys):
    take_in(capsys, "attachments", "out_of_office")
    from sla_monitor_local.wire_reads import counting_reads

    def reads() -> int:
        find_person(Person(email=DAN, name="Dan Hughes"), store=services().store)
        with counting_reads() as counted:
            find_person(Person(email=DAN, name="Dan Hughes"), store=services().store)
        assert "Scan" not in counted.calls
        return counted.total

    small = reads()
    assert run(capsys, "seed --cases 60 --due 5 --now 2026-12-01T10:00")[0] == 0
    for n in range(3):  # others, one word of whose names is his
        logged = run(
            capsys,
            f"case log --channel phone --type enquiry --name 'Dan Smith' --phone 0153045454{n} "
            "--summary 'Fly-tipping on High Street' --now 2026-12-01T11:00",
        )
        assert logged[0] == 0
    assert reads() == small


@pytest.mark.parametrize(
    "command",
    [
        f"privacy find --email {DAN}",
        f"privacy erase --email {DAN} --reason x --as jane-smith",
        f"privacy rectify --email {DAN} --name Daniel --reason x --as head-housing",
    ],
)
def test_only_the_corporate_complaints_officer_may(aws, capsys, command):
    code, out, err = run(capsys, command)
    assert (code, out) == (2, "")
    assert "may not find, export, correct and erase what is held about a person" in err
