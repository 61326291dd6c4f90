"""Fixtures the integration tests share."""

from __future__ import annotations

import pytest

from sla_monitor.store.memory import InMemoryCaseStore


@pytest.fixture(params=["dynamodb", "memory"])
def case_store(request):
    """Each case store in turn: DynamoDB on moto, and in memory (the contract tests)."""
    if request.param == "memory":
        yield InMemoryCaseStore()
        return
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws() as bundle:
        yield bundle.store
