"""A possible complaint from the command line, and retraining on the staff's decisions:
`case list|show|confirm-type` and `classifier export|train|evaluate` on in-process AWS."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.cli.main import main
from sla_monitor.intake import NewCase, register_case
from sla_monitor.runtime import services

from .checker_support import london

DATA = Path(__file__).resolve().parents[1] / "data" / "resident_messages.jsonl"


@pytest.fixture
def aws() -> Iterator[None]:
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        yield


def sla_monitor(capsys, command: str) -> tuple[int, str]:
    code = main(shlex.split(command))
    out, err = capsys.readouterr()
    assert err == "", err
    return code, out


def a_possible_complaint() -> str:
    bundle = services()
    received = london(2026, 12, 1, 9, 30)
    return register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=received,
            subject="Bins",
            description="The bin was missed again. Can it be collected?",
            customer=Customer(email="ann@example.org"),
            classification_reason="model: possible complaint, score 0.51 (else service request)",
            idempotency_key="email:possible",
            possible_complaint=True,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=received,
    ).case.reference


def test_a_possible_complaint_is_listed_shown_and_confirmed(aws, capsys, tmp_path):
    reference = a_possible_complaint()

    _, listed = sla_monitor(capsys, "case list --now 2026-12-01T10:00")
    _, shown = sla_monitor(capsys, f"case show {reference} --now 2026-12-01T10:00")
    _, as_json = sla_monitor(capsys, f"case show {reference} --json --now 2026-12-01T10:00")

    assert "possible complaint" in next(line for line in listed.splitlines() if reference in line)
    assert f"{reference}  possible complaint" in shown
    assert "timed as a complaint until staff confirm the type" in shown
    assert "possible_complaint" in shown  # the timeline event
    assert json.loads(as_json)["possible_complaint"] is True

    code, out = sla_monitor(
        capsys,
        f"case confirm-type {reference} --type service_request --reason 'a first missed bin' "
        "--now 2026-12-01T11:00",
    )

    assert code == 0 and "is confirmed as a service request" in out
    case = services().store.get_case(reference)
    assert (case.case_type, case.possible_complaint) == (CaseType.SERVICE_REQUEST, False)

    exported = tmp_path / "corrections.jsonl"
    code, out = sla_monitor(capsys, f"classifier export --output {exported}")
    assert code == 0 and out.startswith("1 labelled examples written")
    (row,) = [json.loads(line) for line in exported.read_text().splitlines()]
    assert (row["label"], row["first_type"], row["subject"]) == (
        "service_request",
        "complaint",
        "Bins",
    )
    assert "ann@example.org" not in exported.read_text()


def test_a_council_retrains_on_its_own_examples_and_measures_the_result(aws, capsys, tmp_path):
    own = tmp_path / "own.jsonl"
    own.write_text(
        json.dumps({"subject": "Bins", "body": "Missed again, third time", "label": "complaint"})
        + "\n"
    )
    weights = tmp_path / "weights.json"

    code, out = sla_monitor(capsys, f"classifier train --examples {DATA} {own} --output {weights}")

    assert code == 0
    assert out.startswith("trained on 279 examples (")  # the held-out lines are left out
    assert json.loads(weights.read_text())["format"] == 1

    code, out = sla_monitor(
        capsys,
        f"classifier evaluate --examples {DATA} --split held_out --weights {weights}",
    )

    assert code == 0
    assert out.startswith("116 labelled messages (held_out)")
    assert "accuracy" in out and "complaint" in out


def test_a_file_that_is_not_examples_is_refused_in_one_line(aws, capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"subject": "x", "label": "grumble"}\n')

    code = main(["classifier", "evaluate", "--examples", str(bad)])

    assert code == 2
    assert capsys.readouterr().err.startswith("sla-monitor: bad.jsonl line 1:")
