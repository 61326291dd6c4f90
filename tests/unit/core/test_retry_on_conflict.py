"""Every optimistic write of a case retries one way: again on a newer copy, a bounded number of
times, and then it says so."""

from __future__ import annotations

import pytest

from sla_monitor.store.ports import StaleCaseError, retry_on_conflict


def test_a_write_that_meets_newer_copies_is_tried_again_until_it_lands():
    tries = []

    def attempt() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise StaleCaseError("NWL-2026-000001")
        return "saved"

    assert retry_on_conflict(attempt, reference="NWL-2026-000001") == "saved"
    assert len(tries) == 3


def test_a_write_that_never_lands_is_given_up_after_the_attempts_allowed():
    tries = []

    def attempt() -> None:
        tries.append(1)
        raise StaleCaseError("NWL-2026-000001")

    with pytest.raises(StaleCaseError, match="NWL-2026-000001"):
        retry_on_conflict(attempt, reference="NWL-2026-000001", attempts=4)
    assert len(tries) == 4


def test_any_other_error_is_not_retried():
    tries = []

    def attempt() -> None:
        tries.append(1)
        raise LookupError("gone")

    with pytest.raises(LookupError):
        retry_on_conflict(attempt, reference="NWL-2026-000001")
    assert len(tries) == 1
