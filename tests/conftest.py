"""Fixtures every kind of test shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.council import load_council
from sla_monitor.policy import Policy, load_policy


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return load_council().calendar()


@pytest.fixture
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session", autouse=True)
def botocore_data_read_once() -> Iterator[None]:
    """pynamodb opens a botocore session for each table connection, and each new session reads
    botocore's data files (the endpoints, DynamoDB's model) from disk again: a third of the time
    of a test that runs the command line many times. The files do not change while the tests run:
    every such session shares one loader, which reads each once, as one session's clients do."""
    import botocore.loaders
    import botocore.session
    from pynamodb.connection import base

    loader = botocore.loaders.create_loader()

    def session_sharing_the_loader() -> botocore.session.Session:
        session = botocore.session.get_session()
        session.register_component("data_loader", loader)
        return session

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(base, "get_session", session_sharing_the_loader)
        yield


@pytest.fixture
def embedded() -> Iterator:
    """In-process AWS (moto) with every resource the product needs, fresh for each test."""
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws() as bundle:
        yield bundle


@pytest.fixture(scope="session")
def seeded_stacks():
    """The local stacks' seeded records, kept in each worker for the next stack started in the
    same hour (see sla_monitor_local.seeded_stacks): seeding is most of a stack's start."""
    from sla_monitor_local.seeded_stacks import SeededStacks

    return SeededStacks()


# -- balancing the suite across workers -----------------------------------------------------------
# `make test` runs the unit tests, then the integration and browser tests on three workers, each
# taking a whole module at a time (--dist loadfile). Modules marked slow
# (`pytest.mark.slow(seconds=N)`: a browser journey, the demo's month, a module of many HTTP
# journeys) are handed out first, the longest first, so both workers finish together rather than
# one waiting on a long module collected last. Mark a module slow when it takes more than about
# 40 seconds of a worker's time: `SLA_MODULE_TIMES=times.json make test` writes each module's time
# to find them (each run adds its modules to the file).


def _seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("slow")
    return float(marker.kwargs.get("seconds", 1)) if marker else 0.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: -_seconds(item))


_MODULE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    module = report.nodeid.split("::", 1)[0]
    _MODULE_SECONDS[module] = _MODULE_SECONDS.get(module, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    import json
    import os

    target = os.environ.get("SLA_MODULE_TIMES")
    if not target or not _MODULE_SECONDS or hasattr(session.config, "workerinput"):
        return
    earlier: dict[str, float] = {}
    if os.path.exists(target):
        with open(target, encoding="utf-8") as kept:
            earlier = json.load(kept)
    ranked = dict(sorted({**earlier, **_MODULE_SECONDS}.items(), key=lambda kv: -kv[1]))
    with open(target, "w", encoding="utf-8") as out:
        json.dump({k: round(v, 1) for k, v in ranked.items()}, out, indent=1)
