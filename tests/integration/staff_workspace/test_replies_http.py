"""Replies over HTTP, through the real handler against moto: the council's reply templates kept
by an administrator (placeholders checked, every change kept), chosen by an officer on a reply
and filled from the case; every letter checked before it goes, with nothing sent or recorded
on the check."""

from __future__ import annotations

import html

import pytest

pytestmark = pytest.mark.slow(seconds=15)


def test_an_administrator_adds_changes_and_retires_a_reply_template(stack, browsers):
    admin = browsers["administrator"]
    listed = admin.get("/reply-templates")
    assert listed.status == 200
    assert "Service request done" in listed.body  # the council's starting set
    assert "((reply_promised_by))" in listed.body  # the placeholders, listed

    refused = admin.submit(
        "/reply-templates/new",
        {"title": "Bin repaired", "text": "Your bin ((bin_number)) is repaired."},
    )
    assert refused.status == 400
    assert 'href="#text"' in refused.body
    assert "((bin_number)) is not a placeholder the product fills" in html.unescape(refused.body)
    assert "Your bin ((bin_number)) is repaired." in html.unescape(refused.body)  # kept

    added = admin.submit(
        "/reply-templates/new",
        {"title": "Bin repaired", "text": "Your bin is repaired. Quote ((reference))."},
    )
    assert added.status == 303
    assert "Bin repaired" in html.unescape(admin.follow(added.location).body)

    changed = admin.submit(
        "/reply-templates/bin-repaired/change",
        {"title": "Bin repaired", "text": "We repaired your bin. Quote ((reference))."},
    )
    assert changed.status == 303
    retired = admin.submit("/reply-templates/bin-repaired/retire", {})
    assert retired.status == 303

    history = html.unescape(admin.get("/reply-templates/bin-repaired").body)
    for what in ("Added by", "Changed by", "Retired by"):
        assert what in history
    assert "Your bin is repaired." in history  # the words before the change, kept
    assert "We repaired your bin." in history


def test_only_administrators_keep_the_templates(browsers):
    assert browsers["officer"].get("/reply-templates").status == 403
    assert browsers["corporate_complaints_officer"].get("/reply-templates/new").status == 403
