"""The first classification, in the council's own words, with its reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sla_monitor.cases import CaseType
from sla_monitor.mail.classification import (
    classify,
    load_classification_file,
    load_classification_rules,
    parse_classification_rules,
)


@pytest.fixture(scope="module")
def rules():
    return load_classification_rules()


@pytest.mark.parametrize(
    ("subject", "body", "case_type"),
    [
        # "What is not a complaint?": complaining about a noisy neighbour is a service request.
        ("I want to complain about my noisy neighbour", "", CaseType.SERVICE_REQUEST),
        ("Complaint", "My neighbour plays loud music until 3am.", CaseType.SERVICE_REQUEST),
        ("Bins", "Our bins were not collected on Monday.", CaseType.SERVICE_REQUEST),
        ("Fly tipping on Ashby Road", "", CaseType.SERVICE_REQUEST),
        ("Pothole", "There is a pothole outside number 4.", CaseType.SERVICE_REQUEST),
        # "What is a complaint?": the council let the customer down or did something wrong.
        ("Formal complaint", "", CaseType.COMPLAINT),
        ("Bins", "I want to make a complaint about your staff.", CaseType.COMPLAINT),
        ("Missed bin", "Nobody has got back to me after three weeks.", CaseType.COMPLAINT),
        (
            "Planning",
            "You failed to reply to my letter and the officer was rude.",
            CaseType.COMPLAINT,
        ),
        (
            "Planning",
            "I wish to complain about how my application was handled.",
            CaseType.COMPLAINT,
        ),
        ("Thank you", "Just a note.", CaseType.COMPLIMENT),
        ("Leisure centre", "I wanted to thank the staff, well done.", CaseType.COMPLIMENT),
        ("Suggestion for the park", "", CaseType.COMMENT),
        ("Park", "Some feedback on the new café.", CaseType.COMMENT),
        ("Council tax", "How do I register? Thanks, Sam", CaseType.ENQUIRY),
        ("", "", CaseType.ENQUIRY),
    ],
)
def test_shipped_rules(rules, subject, body, case_type):
    assert classify(subject, body, rules).case_type is case_type


def test_a_signature_thanks_is_not_a_compliment(rules):
    assert classify(
        "Opening hours", "Are you open Saturday?\n\nMany thanks,\nSam", rules
    ).case_type is (CaseType.ENQUIRY)


def test_the_reason_says_where_what_and_which_rule(rules):
    result = classify("I want to complain about my noisy neighbour", "", rules)

    assert result.reason == (
        "subject matched 'noisy neighbour' (rule: something the council is asked to provide or fix)"
    )
    assert result.rule == "something the council is asked to provide or fix"


def test_the_subject_is_read_before_the_body_within_a_rule(rules):
    result = classify("Graffiti", "There is also litter.", rules)

    assert result.reason.startswith("subject matched 'Graffiti'")


def test_curly_apostrophes_and_line_breaks_match_plain_phrases(rules):
    result = classify("Bins", "The bin wasn’t\ncollected", rules)

    assert result.case_type is CaseType.SERVICE_REQUEST


def test_whole_words_only(rules):
    # "litter" is a service request word; "glittering" is not litter.
    assert classify("Event", "A glittering evening, how do I book?", rules).case_type is (
        CaseType.ENQUIRY
    )


def test_default_reason(rules):
    assert classify("Question", "When?", rules).reason == "no rule matched: enquiry by default"


def test_a_council_can_write_its_own_rules(tmp_path):
    path = tmp_path / "classification.yaml"
    path.write_text(
        "default: comment\n"
        "rules:\n"
        "  - name: parking\n"
        "    case_type: service_request\n"
        "    look_in: [body]\n"
        "    phrases: ['parking (permit|fine)']\n",
        encoding="utf-8",
    )
    rules = load_classification_file(path)

    assert classify("parking permit", "", rules).case_type is CaseType.COMMENT
    assert (
        classify("x", "my parking fine", rules).reason
        == "body matched 'parking fine' (rule: parking)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "rules:\n  - {name: x, case_type: grumble, phrases: [a]}\n",
        "rules:\n  - {name: x, case_type: complaint, phrases: ['(unclosed']}\n",
        "rules:\n  - {name: x, case_type: complaint, phrases: []}\n",
        "rules:\n  - {name: x, case_type: complaint, phrases: [a], look_in: [footer]}\n",
        "colour: blue\n",
    ],
)
def test_bad_rules_are_refused_when_loaded(text):
    with pytest.raises(ValidationError):
        parse_classification_rules(text)
