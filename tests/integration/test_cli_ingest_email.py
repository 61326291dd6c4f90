"""`sla-monitor ingest-email` on .eml files, through embedded AWS, by the production path."""

from __future__ import annotations

import json
from pathlib import Path

from sla_monitor.cli.main import main

EMAILS = Path(__file__).resolve().parents[1] / "fixtures" / "emails"


def eml(name: str) -> str:
    return str(EMAILS / f"{name}.eml")


def run_json(capsys, *args: str) -> tuple[int, list[dict]]:
    code = main(["ingest-email", "--embedded", "--json", *args])
    lines = capsys.readouterr().out.splitlines()
    return code, [json.loads(line) for line in lines]


def test_json_lines_give_file_outcome_and_reference_or_reason(capsys):
    code, lines = run_json(
        capsys,
        "--received",
        "2026-03-03T09:15",
        eml("plain_complaint"),
        eml("reply_reference_subject"),
        eml("bounce_dsn"),
        eml("bad_date"),
    )

    assert code == 0
    assert [(line["file"], line["outcome"]) for line in lines] == [
        (eml("plain_complaint"), "case"),
        (eml("reply_reference_subject"), "reply"),
        (eml("bounce_dsn"), "triage"),
        (eml("bad_date"), "case"),
    ]
    complaint, reply, bounce, noisy_neighbour = lines
    assert complaint["reference"] == "NWL-2026-000001"
    assert complaint["case_type"] == "complaint"
    assert reply["reference"] == "NWL-2026-000001"
    assert bounce["reason"] == "bounce"
    assert "reference" not in bounce
    assert noisy_neighbour["case_type"] == "service_request"
    assert noisy_neighbour["reference"] == "NWL-2026-000002"


def test_the_same_file_twice_gives_one_case(capsys):
    code, lines = run_json(capsys, eml("html_only"), eml("html_only"))

    assert code == 0
    assert lines[0]["reference"] == lines[1]["reference"]
    assert (lines[0]["repeated"], lines[1]["repeated"]) == (False, True)


def test_the_received_time_sets_the_case_year(capsys):
    _, (line,) = run_json(capsys, "--received", "2027-01-04T10:00", eml("html_only"))

    assert line["reference"] == "NWL-2027-000001"


def test_text_output_is_one_line_per_file(capsys):
    code = main(["ingest-email", "--embedded", eml("plain_complaint"), eml("out_of_office")])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(lines) == 2
    assert lines[0].startswith(f"{eml('plain_complaint')}  case  NWL-")
    assert "complaint  subject matched 'Formal complaint'" in lines[0]
    assert lines[1] == f"{eml('out_of_office')}  triage  auto_reply  Auto-Submitted: auto-replied"


def test_a_file_that_cannot_be_read_is_reported_and_the_rest_still_taken_in(capsys, tmp_path):
    missing = str(tmp_path / "missing.eml")

    code, lines = run_json(capsys, missing, eml("html_only"))

    assert code == 1
    assert lines[0] == {"file": missing, "outcome": "error", "reason": "No such file or directory"}
    assert lines[1]["outcome"] == "case"


def test_the_raw_file_is_stored_in_the_raw_mail_bucket_first(embedded):
    from argparse import Namespace

    from sla_monitor.cli import ingest_email

    args = Namespace(files=[Path(eml("attachments"))], json=True, received=None, embedded=False)
    assert ingest_email.run(args) == 0

    s3 = embedded.client("s3")
    keys = [
        o["Key"] for o in s3.list_objects_v2(Bucket=embedded.settings.raw_mail_bucket)["Contents"]
    ]
    inbound = [k for k in keys if k.startswith("inbound/eml-")]
    assert len(inbound) == 1
    stored = s3.get_object(Bucket=embedded.settings.raw_mail_bucket, Key=inbound[0])
    assert stored["Body"].read() == Path(eml("attachments")).read_bytes()
    assert sum(k.startswith("attachments/") for k in keys) == 3


def test_a_batch_goes_on_past_a_file_that_cannot_be_taken_in(capsys, monkeypatch, tmp_path):
    from sla_monitor.cli import ingest_email

    from .hostile_mail import long_from_name, many_attachments

    hostile = tmp_path / "two-hundred-attachments.eml"
    hostile.write_bytes(many_attachments(200))
    huge_name = tmp_path / "huge-name.eml"
    huge_name.write_bytes(long_from_name(450_000))
    broken = tmp_path / "store-fails.eml"
    broken.write_bytes(
        b"From: a@example.org\r\nSubject: the store fails on this one\r\n\r\nhello\r\n"
    )
    real = ingest_email.take_in_delivery

    def failing_once(delivery, *, intake, now):
        if intake.raw_mail.read(delivery.bucket, delivery.key) == broken.read_bytes():
            raise RuntimeError("the case store is unavailable: jane.resident@example.org")
        return real(delivery, intake=intake, now=now)

    monkeypatch.setattr(ingest_email, "take_in_delivery", failing_once)

    code, lines = run_json(
        capsys, str(broken), str(hostile), str(tmp_path), str(huge_name), eml("html_only")
    )

    assert code == 1
    assert [line["outcome"] for line in lines] == ["error", "case", "error", "case", "case"]
    # The error's type only: its message may quote the mail.
    assert lines[0] == {"file": str(broken), "outcome": "error", "reason": "RuntimeError"}
    assert lines[2]["file"] == str(tmp_path)
