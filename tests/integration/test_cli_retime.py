"""`sla-monitor retime` against in-process AWS: a policy change previewed, then applied."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sla_monitor.cli.main import main
from sla_monitor.policy import load_policy, parse_policy
from sla_monitor.runtime import services

NOW = "2026-12-01T10:00"


@pytest.fixture
def aws() -> Iterator[None]:
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        yield


@pytest.fixture
def shorter_text() -> str:
    """The shipped policy with enquiries answered in 3 working days."""
    text = load_policy().source.replace(
        "    channels: [email, letter, web, telephone, visit, verbal]\n    within: 5",
        "    channels: [email, letter, web, telephone, visit, verbal]\n    within: 3",
    )
    assert parse_policy(text).promise("respond_to_enquiry").within == 3
    return text


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--now", NOW])
    out, err = capsys.readouterr()
    return code, out, err


def letter_enquiry(capsys) -> str:
    code, out, _ = run(
        capsys,
        "case",
        "log",
        "--channel",
        "letter",
        "--type",
        "enquiry",
        "--name",
        "Ann Example",
        "--address",
        "1 High Street, Coalville",
        "--summary",
        "When is the bin collected?",
        "--json",
    )
    assert code == 0
    return json.loads(out)["case"]["reference"]


def test_a_policy_file_is_previewed_without_changing_anything(aws, capsys, tmp_path, shorter_text):
    reference = letter_enquiry(capsys)
    proposed = tmp_path / "policy.yaml"
    proposed.write_text(shorter_text, encoding="utf-8")

    code, out, _ = run(capsys, "retime", "--dry-run", "--policy", str(proposed), "--json")

    assert code == 0
    report = json.loads(out)
    assert report["dry_run"] is True and report["open_cases"] == 1
    [case] = report["cases"]
    respond = next(c for c in case["clocks"] if c["promise"] == "respond_to_enquiry")
    # Received Tuesday 1 December: due Tuesday 8th under 5 days, Friday 4th under 3.
    assert (respond["old"], respond["new"], respond["moved"]) == ("2026-12-08", "2026-12-04", True)
    assert [e.kind for e in services().store.timeline(reference)] == ["received"]

    code, _, err = run(capsys, "retime", "--policy", str(proposed))
    assert code == 2 and "--dry-run" in err


def test_retiming_under_a_newly_deployed_policy_records_it_on_each_case(
    aws, capsys, monkeypatch, shorter_text
):
    reference = letter_enquiry(capsys)
    shipped = load_policy()
    services().directory_store.keep_policy(shipped.version, shipped.source)
    deployed = parse_policy(shorter_text)
    monkeypatch.setattr("sla_monitor.policy.load_policy", lambda: deployed)

    code, out, _ = run(capsys, "retime", "--as", "administrator")

    assert code == 0
    assert f"{reference}  timed by {shipped.version}" in out
    assert "respond_to_enquiry" in out and "2026-12-08" in out and "2026-12-04" in out
    case = services().store.get_case(reference)
    assert case.policy_version == deployed.version
    event = services().store.timeline(reference)[-1]
    assert (event.kind, event.actor) == ("retimed", "administrator")
    # Nothing is left to re-time.
    code, out, _ = run(capsys, "retime", "--dry-run", "--json")
    assert json.loads(out)["cases"] == []
