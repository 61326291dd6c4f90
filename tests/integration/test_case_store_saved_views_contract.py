"""Officers' saved views of the work list behave the same in both case stores (DynamoDB on moto,
and in memory): each officer's own, in order of their names, one per name whatever its case or
spacing, and removed by name."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.store.ports import SavedView
from tests.integration.test_case_store_contract import NOW


def a_view(officer_id: str, name: str, query: str) -> SavedView:
    return SavedView(officer_id=officer_id, name=name, query=query, saved_at=NOW)


def test_an_officer_s_views_are_theirs_alone_by_name(case_store):
    store = case_store
    breached = a_view("waste-officer", "Breached complaints", "type=complaint&breached=yes")
    mine = a_view("waste-officer", "Mine by phone", "whose=mine&channel=telephone")
    theirs = a_view("housing-officer", "Breached complaints", "breached=yes")
    for view in (mine, breached, theirs):
        store.save_view(view)

    assert store.saved_views("waste-officer") == [breached, mine]
    assert store.saved_views("housing-officer") == [theirs]
    assert store.saved_views("revenues-officer") == []


def test_a_view_saved_again_under_its_name_replaces_it(case_store):
    store = case_store
    store.save_view(a_view("waste-officer", "Due soon", "due_within=2"))
    again = SavedView(
        officer_id="waste-officer",
        name="due  SOON ",
        query="due_within=1",
        saved_at=NOW + timedelta(minutes=5),
    )

    store.save_view(again)

    assert store.saved_views("waste-officer") == [again]


def test_a_view_is_removed_by_its_name_and_only_once(case_store):
    store = case_store
    store.save_view(a_view("waste-officer", "Unassigned", "whose=unassigned"))
    store.save_view(a_view("housing-officer", "Unassigned", "whose=unassigned"))

    assert store.remove_view("waste-officer", "unassigned")
    assert not store.remove_view("waste-officer", "Unassigned")
    assert store.saved_views("waste-officer") == []
    assert [v.officer_id for v in store.saved_views("housing-officer")] == ["housing-officer"]
