"""The in-process AWS each `sla-monitor case` test runs against."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import pytest

from sla_monitor.cli.main import main

from .support import JANE


@pytest.fixture
def aws() -> Iterator[None]:
    """One in-process AWS for the whole test, with a housing officer besides the Heads of
    Service; the commands find it as they would an endpoint."""
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        added = main(
            shlex.split(
                f"directory add-officer jane-smith --name 'Jane Smith' --email {JANE} "
                "--job-title 'Housing Officer' --department housing --now 2026-11-30T09:00"
            )
        )
        assert added == 0
        yield
