"""Reply templates: placeholders checked when a template is saved, filled from the case, and every
change kept."""

from datetime import UTC, date, datetime, timedelta

import pytest

from sla_monitor.council import load_council
from sla_monitor.lookups import NotInTheDirectory
from sla_monitor.reply_templates import (
    PLACEHOLDERS,
    ReplyTemplateRefused,
    add_template,
    change_template,
    fill,
    offered,
    placeholder_values,
    retire_template,
    seed_reply_templates,
    unknown_placeholders,
)
from sla_monitor.store.memory import InMemoryDirectoryStore

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_an_unknown_placeholder_is_refused_with_its_name_and_nothing_is_stored():
    store = InMemoryDirectoryStore()
    with pytest.raises(ReplyTemplateRefused) as refused:
        add_template(
            store,
            title="Bin repaired",
            text="Dear ((customer_name)), your bin ((bin_number)) is fixed.",
            by="admin",
            now=NOW,
        )
    assert refused.value.argument == "text"
    assert "((bin_number)) is not a placeholder" in str(refused.value)
    assert store.reply_templates() == []
    assert store.template_changes == []


def test_a_half_written_placeholder_is_refused():
    with pytest.raises(ReplyTemplateRefused, match="starts with"):
        add_template(
            InMemoryDirectoryStore(), title="T", text="Quote ((reference please", by="a", now=NOW
        )


def test_every_placeholder_the_page_lists_is_filled():
    text = " ".join(f"(({name}))" for name in PLACEHOLDERS)
    assert unknown_placeholders(text) == []
    values = placeholder_values(
        reference="NWL-2026-000123",
        customer_name="Dan Hughes",
        subject="Missed bin",
        received_on=date(2026, 12, 1),
        reply_promised_by=date(2026, 12, 8),
        department="Waste Services",
        officer_name="Jo Patel",
        job_title="Waste Officer",
        council_name="North West Leicestershire District Council",
        council_phone="01530 454545",
    )
    filled = fill(text, values)
    assert "((" not in filled
    assert "Tuesday 1 December 2026" in filled
    assert "Tuesday 8 December 2026" in filled
    assert "Dan Hughes" in filled and "Jo Patel" in filled


def test_changes_are_kept_not_written_over():
    store = InMemoryDirectoryStore()
    added = add_template(store, title="Bin repaired", text="Fixed: ((reference)).", by="a", now=NOW)
    later = NOW + timedelta(hours=1)
    change_template(
        store, added.key, title="Bin repaired", text="Repaired: ((reference)).", by="b", now=later
    )
    retire_template(store, added.key, by="c", now=later + timedelta(hours=1))

    changes = store.reply_template_changes(added.key)
    assert [(c.what, c.by, c.text) for c in changes] == [
        ("added", "a", "Fixed: ((reference))."),
        ("changed", "b", "Repaired: ((reference))."),
        ("retired", "c", "Repaired: ((reference))."),
    ]
    (now,) = store.reply_templates()
    assert now.retired and now.changed_by == "c"
    assert offered(store.reply_templates()) == []


def test_a_title_in_use_is_refused_and_a_missing_template_is_not_found():
    store = InMemoryDirectoryStore()
    add_template(store, title="Bin repaired", text="Fixed.", by="a", now=NOW)
    with pytest.raises(ReplyTemplateRefused, match="has this title already"):
        add_template(store, title="bin  repaired", text="Again.", by="a", now=NOW)
    with pytest.raises(NotInTheDirectory):
        change_template(store, "no-such", title="T", text="W", by="a", now=NOW)


def test_the_councils_starting_set_is_seeded_once_and_uses_only_known_placeholders():
    store = InMemoryDirectoryStore()
    starting = [(t.title, t.text) for t in load_council().reply_templates]
    assert seed_reply_templates(store, starting, now=NOW) == len(starting) > 0
    assert seed_reply_templates(store, starting, now=NOW) == 0
    assert len(store.reply_templates()) == len(starting)
    assert {c.by for c in store.template_changes} == {"council.yaml"}
