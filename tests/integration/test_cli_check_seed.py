"""`sla-monitor seed` and `sla-monitor check` against a moto server, as against any endpoint."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from sla_monitor.cli.main import main
from sla_monitor.runtime import reset_services

NOW = "2026-03-04T10:00"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def endpoint(monkeypatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    for name, value in {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    reset_services()
    try:
        yield url
    finally:
        server.stop()
        reset_services()


def test_seeded_cases_are_swept_once_and_each_action_printed(endpoint, capsys):
    assert main(["init"]) == 0
    assert main(["seed", "--cases", "40", "--due", "3", "--now", NOW]) == 0
    assert "loaded 40 case(s), 3 due at 2026-03-04T10:00:00+00:00" in capsys.readouterr().out

    assert main(["check", "--now", NOW]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "NWL-LOAD-0000001  acknowledge                   emailed  customer (on time)",
        "NWL-LOAD-0000002  acknowledge                   emailed  customer (on time)",
        "NWL-LOAD-0000003  acknowledge                   emailed  customer (on time)",
        "3 due case(s) read, 3 action(s) done",
    ]

    assert main(["check", "--now", "2026-03-04T10:05"]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 due case(s) read, 0 action(s) done"]


def test_the_daily_digest_job_sends_each_officer_one_digest_a_day(endpoint, capsys):
    assert main(["init"]) == 0
    assert main(["seed", "--cases", "20", "--due", "0", "--now", NOW]) == 0
    capsys.readouterr()

    # Monday 9 March: nothing is due for the sweep, and the sweep sends no digest.
    assert main(["check", "--now", "2026-03-09T09:00"]) == 0
    assert "digest" not in capsys.readouterr().out
    # The morning schedule's job: every reply falls due on Wednesday.
    assert main(["check", "--daily-digest", "--now", "2026-03-09T09:00"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "digest for head-customer-services  emailed",
        "digest for complaints-officer (open complaints)  emailed",
        "0 due case(s) read, 0 action(s) done",
    ]
    # A retry of the same morning's schedule sends nothing twice.
    assert main(["check", "--daily-digest", "--now", "2026-03-09T09:05"]) == 0
    assert "digest" not in capsys.readouterr().out


def test_seed_refuses_more_due_cases_than_cases(endpoint, capsys):
    assert main(["init"]) == 0
    assert main(["seed", "--cases", "2", "--due", "3", "--now", NOW]) == 2
    assert "--due must be between 0 and --cases" in capsys.readouterr().err


def test_check_on_embedded_aws_runs_on_an_empty_council(capsys):
    assert main(["check", "--embedded", "--now", NOW]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 due case(s) read, 0 action(s) done"]


def test_each_shard_is_swept_on_its_own_and_together_they_sweep_every_due_case(
    endpoint, capsys, monkeypatch
):
    monkeypatch.setenv("INDEX_SHARDS", "3")
    reset_services()
    assert main(["init"]) == 0
    assert main(["seed", "--cases", "30", "--due", "9", "--now", NOW]) == 0
    capsys.readouterr()

    swept: list[list[str]] = []
    for shard in range(3):
        assert main(["check", "--now", NOW, "--shard", str(shard)]) == 0
        lines = capsys.readouterr().out.splitlines()
        swept.append([line.split()[0] for line in lines[:-1]])
    everyone = sorted(reference for shard in swept for reference in shard)
    assert everyone == [f"NWL-LOAD-{n:07d}" for n in range(1, 10)]  # each once, none missed
    assert sum(1 for shard in swept if shard) >= 2  # nine cases spread over the shards

    assert main(["check", "--now", NOW]) == 0  # nothing left owed
    assert capsys.readouterr().out.splitlines() == ["0 due case(s) read, 0 action(s) done"]


def test_a_shard_the_deployment_does_not_have_is_refused(endpoint, capsys):
    assert main(["init"]) == 0
    assert main(["check", "--now", NOW, "--shard", "2"]) == 2
    assert "--shard must be from 0 to 1 (INDEX_SHARDS is 2)" in capsys.readouterr().err
