"""What `sla-monitor case show` says of someone acting for the customer, related cases and
merged duplicates (as text facts and as JSON)."""

from __future__ import annotations

from typing import Any

from sla_monitor.cases import Case
from sla_monitor.staff.representatives import consent_words, letters_words


def relation_facts(case: Case) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    rep = case.representative
    if rep is not None:
        ways = ", ".join(v for v in (rep.email, rep.phone, rep.address) if v)
        facts.append(("Representative:", f"{rep.name} ({rep.relationship}), {ways}"))
        facts.append(("Consent:", consent_words(rep)))
        facts.append(("Letters to:", letters_words(rep)))
    if case.linked_cases:
        facts.append(("Linked:", ", ".join(case.linked_cases)))
    if case.merged_into:
        facts.append(("Merged into:", f"{case.merged_into} (closed as its duplicate)"))
    if case.merged_from:
        facts.append(("Merged here:", ", ".join(case.merged_from)))
    return facts


def relations_json(case: Case) -> dict[str, Any]:
    rep = case.representative
    return {
        "representative": None
        if rep is None
        else {
            "name": rep.name,
            "relationship": rep.relationship,
            "email": rep.email,
            "phone": rep.phone,
            "address": rep.address,
            "consent_how": rep.consent_how,
            "consent_given_on": rep.consent_given_on.isoformat() if rep.consent_given_on else None,
            "letters_to": rep.letters_to.value,
            "recorded_by": rep.recorded_by,
        },
        "letters_to": letters_words(rep),
        "linked_cases": list(case.linked_cases),
        "merged_into": case.merged_into,
        "merged_from": list(case.merged_from),
    }
