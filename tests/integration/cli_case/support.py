"""What the `sla-monitor case` tests share: the command run as typed, its JSON, a refusal's
reason, the stored case and its timeline, and the cases most tests start from."""

from __future__ import annotations

import json
import shlex
from typing import Any

from sla_monitor.cases import Case, TimelineEvent
from sla_monitor.cli.main import main
from sla_monitor.runtime import services

from ..checker_support import mail_to

NOW = "2026-12-01T10:00"  # a Tuesday, in office hours
RESIDENT = "ann@example.org"
JANE = "jane.smith@nwleicestershire.gov.uk"


def run(capsys, command: str) -> tuple[int, str, str]:
    """`sla-monitor case COMMAND`, as typed."""
    code = main(["case", *shlex.split(command)])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, command: str) -> Any:
    code, out, err = run(capsys, f"{command} --json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def refused(capsys, command: str) -> str:
    """Runs a step expected to be refused; returns the one-line reason."""
    code, out, err = run(capsys, command)
    assert (code, out) == (2, "")
    assert err.startswith("sla-monitor: ")
    assert err.count("\n") == 1
    return err.removeprefix("sla-monitor: ").strip()


def stored(reference: str) -> Case:
    case = services().store.get_case(reference)
    assert case is not None
    return case


def event(reference: str, kind: str) -> TimelineEvent:
    return next(e for e in services().store.timeline(reference) if e.kind == kind)


def log_complaint(capsys, now: str = NOW, extra: str = "") -> str:
    logged = run_json(
        capsys,
        f"log --channel phone --type complaint --name 'Ann Example' --email {RESIDENT} "
        f"--summary 'The crew left my bin on the road again' --department housing "
        f"--now {now} {extra}",
    )
    reference: str = logged["case"]["reference"]
    return reference


def log_enquiry(capsys, now: str = NOW) -> str:
    logged = run_json(
        capsys,
        "log --channel letter --type enquiry --name 'Bob Resident' "
        "--address '1 High Street, Coalville' --summary 'When is the garden waste round?' "
        f"--department housing --now {now}",
    )
    reference: str = logged["case"]["reference"]
    return reference


def clock(shown: dict, promise: str) -> dict:
    found: dict = next(c for c in shown["clocks"] if c["promise"] == promise)
    return found


def formal_responses() -> list:
    return [m for m in mail_to(RESIDENT) if "response to your complaint" in m.subject]
