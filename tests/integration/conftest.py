"""Fixtures the integration tests share."""

from __future__ import annotations

import pytest

from sla_monitor.store.memory import InMemoryCaseStore

# The staff workspace's local stack and a browser signed in for each role, for every HTTP module
# of the workspace (defined once, in staff_support).
from .staff_support import browsers, stack  # noqa: F401


@pytest.fixture(params=["dynamodb", "memory"])
def case_store(request):
    """Each case store in turn: DynamoDB on moto, and in memory (the contract tests)."""
    if request.param == "memory":
        yield InMemoryCaseStore()
        return
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws() as bundle:
        yield bundle.store


# The web functions' handlers, with the cases table's partitions each writes checked against
# what template.yaml lets its role write (moto enforces no IAM: see table_writes.py).
_CHECKED_HANDLERS = (
    ("functions.your_cases.app", "YourCasesRole"),
    ("functions.staff_workspace.app", "StaffWorkspaceRole"),
)


@pytest.fixture(autouse=True)
def _web_functions_write_only_what_their_roles_allow(monkeypatch):
    import sys

    from integration import table_writes

    for module, role in _CHECKED_HANDLERS:
        app = sys.modules.get(module)
        if app is not None:
            monkeypatch.setattr(app, "handle", table_writes.checked_against(role, app.handle))
    table_writes.breaches.clear()
    yield
    found = sorted(set(table_writes.breaches))
    assert not found, f"writes template.yaml's roles do not allow: {found}"
