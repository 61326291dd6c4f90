"""What the use case tests of this folder share: an empty in-memory store, and the store, policy
and calendar every use case takes (a module may define its own in their place)."""

import pytest

from sla_monitor.store.memory import InMemoryCaseStore


@pytest.fixture
def store():
    return InMemoryCaseStore()


@pytest.fixture
def world(store, policy, calendar):
    return {"store": store, "policy": policy, "calendar": calendar}
