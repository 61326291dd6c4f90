"""Replies over HTTP, through the real handler against moto: the council's reply templates kept
by an administrator (placeholders checked, every change kept), chosen by an officer on a reply
and filled from the case; every letter checked before it goes, with nothing sent or recorded
on the check."""

from __future__ import annotations

import html
import re

import pytest

from ..checker_support import mail_to

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


def _hidden(body: str) -> dict[str, str]:
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
    }


def test_a_reply_starts_from_a_template_is_checked_and_only_then_sent(stack, browsers):
    officer = browsers["officer"]
    reference = stack.sample_cases["bulky"]
    store = stack.services.store
    before = store.get_case(reference)
    mailed = len(mail_to("priya.shah@example.org"))

    form = officer.get(f"/cases/{reference}/answer?template=answer-to-an-enquiry")
    assert form.status == 200
    filled = html.unescape(form.body)
    assert "Answer to an enquiry" in filled  # offered, and chosen
    assert f"If you need anything else, reply to this email quoting {reference}." in filled
    # Letters never repeat what was written to an address nobody has shown to be the
    # customer's (this email's sender was not vouched for): the template's ((subject)) neither.
    assert "Thank you for your enquiry of " in filled and "about your message." in filled
    assert "((" not in filled.split('id="text"', 1)[1].split("</textarea>", 1)[0]

    words = f"You can book a bulky waste collection online. Quote {reference}."
    hidden = _hidden(form.body)
    check = officer.post(f"/cases/{reference}/answer", {**hidden, "text": words})
    assert check.status == 200
    page = html.unescape(check.body)
    assert "Check your reply" in page
    assert "Dear Priya Shah" in page  # the letter as it goes, greeting and all
    assert words in page
    assert "By email to priya.shah@example.org" in page
    # Nothing sent or recorded on the check.
    after_check = store.get_case(reference)
    assert after_check.revision == before.revision and after_check.is_open
    assert len(mail_to("priya.shah@example.org")) == mailed

    carried = _hidden(check.body)
    status, headers, pdf = officer.post_for_file(
        f"/cases/{reference}/answer",
        {**carried, "show": re.search(r'name="show" value="([^"]+)"', check.body)[1]},
    )
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF")
    assert store.get_case(reference).revision == before.revision

    changed = officer.post(f"/cases/{reference}/answer", {**carried, "change": "yes"})
    assert changed.status == 200
    assert "Reply and answer" in changed.body and words in html.unescape(changed.body)

    sent = officer.post(f"/cases/{reference}/answer", carried)
    assert sent.status == 303
    case = store.get_case(reference)
    assert not case.is_open
    letters = mail_to("priya.shah@example.org")
    assert len(letters) == mailed + 1
    assert words in letters[-1].text()
