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
from sla_monitor.mail.learned import load_learned_model, parse_weights


@pytest.fixture(scope="module")
def rules():
    return load_classification_rules()


@pytest.fixture(scope="module")
def model():
    return load_learned_model()


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
def test_shipped_rules_and_model(rules, model, subject, body, case_type):
    assert classify(subject, body, rules, model).case_type is case_type


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # The issue's own examples, all once taken for enquiries.
        ("", "Your bin lorry reversed into my garden wall and the crew drove off"),
        ("", "I reported the streetlight three weeks ago and nobody has contacted me"),
        ("", "You sent my benefit details to my neighbour"),
        ("Missed bin", "This is the third missed collection on our road this year."),
    ],
)
def test_complaints_without_the_word_are_complaints(rules, model, subject, body):
    assert classify(subject, body, rules, model).case_type is CaseType.COMPLAINT


def test_a_signature_thanks_is_not_a_compliment(rules, model):
    assert classify(
        "Opening hours", "Are you open Saturday?\n\nMany thanks,\nSam", rules, model
    ).case_type is (CaseType.ENQUIRY)


def test_the_reason_of_a_rule_says_where_what_and_which_rule(rules, model):
    result = classify("Formal complaint about planning", "", rules, model)

    assert result.reason == (
        "subject matched 'Formal complaint' (rule: dissatisfied with the council's own service)"
    )
    assert result.rule == "dissatisfied with the council's own service"


def test_the_reason_of_the_model_gives_its_score(rules, model):
    result = classify(
        "Noisy neighbour", "I want to complain about the dog next door.", rules, model
    )

    assert result.rule is None
    assert result.case_type is CaseType.SERVICE_REQUEST
    assert result.reason.startswith("model: service request, score 0.")
    assert "(complaint 0." in result.reason


def tiny_model(*, possible_complaint_at: float = 0.3, complaint_at: float = 0.6):
    """A model of three words, so the thresholds can be tested on known scores."""
    return parse_weights(
        {
            "format": 1,
            "classes": ["complaint", "service_request"],
            "intercepts": [0.0, 0.0],
            "possible_complaint_at": possible_complaint_at,
            "complaint_at": complaint_at,
            "features": {
                "w:missed": [1.0, 0.0, 1.0],
                "w:before": [1.0, 1.2, 0.0],
                "w:ignored": [1.0, 4.0, 0.0],
            },
        }
    )


def test_unsure_whether_a_complaint_it_is_timed_as_one_and_flagged():
    rules = parse_classification_rules("rules: []")
    model = tiny_model()
    subject, body = "", "missed before"
    assert 0.3 <= model.scores(subject, body).of(CaseType.COMPLAINT) < 0.6

    result = classify(subject, body, rules, model)

    assert result.case_type is CaseType.COMPLAINT
    assert result.possible_complaint is True
    assert result.suggested_type is CaseType.SERVICE_REQUEST
    assert "possible complaint, score 0." in result.reason
    assert "until staff confirm" in result.reason


def test_a_likely_complaint_needs_no_confirming_and_an_unlikely_one_is_not_flagged():
    rules = parse_classification_rules("rules: []")
    model = tiny_model()

    sure = classify("", "ignored", rules, model)
    request = classify("", "missed", rules, model)

    assert (sure.case_type, sure.possible_complaint) == (CaseType.COMPLAINT, False)
    assert sure.reason.startswith("model: complaint, score 0.")
    assert (request.case_type, request.possible_complaint) == (CaseType.SERVICE_REQUEST, False)


def test_words_the_model_never_saw_leave_the_default():
    rules = parse_classification_rules("default: enquiry\nrules: []")

    assert classify("", "zzz", rules, tiny_model()).reason == "no rule matched: enquiry by default"


def test_a_rule_for_another_type_still_flags_a_likely_complaint():
    rules = parse_classification_rules(
        "rules:\n  - {name: bins, case_type: service_request, phrases: ['missed']}\n"
    )

    result = classify("", "missed before", rules, tiny_model())

    assert result.case_type is CaseType.COMPLAINT and result.possible_complaint
    assert result.reason.startswith("body matched 'missed' (rule: bins), but model:")


def test_the_subject_is_read_before_the_body_within_a_rule(rules):
    result = classify("Thank you", "I want to say thank you.", rules)

    assert result.reason.startswith("subject matched 'Thank you'")


def test_curly_apostrophes_and_line_breaks_match_plain_phrases(rules):
    result = classify("Planning", "I still haven’t\nheard... I am still not\nheard", rules)

    assert result.case_type is CaseType.COMPLAINT


def test_whole_words_only(rules):
    # "feedback" is a comment word; "feedbacks" on its own is not the word.
    assert classify("Event", "A feedbacks evening, how do I book?", rules).case_type is (
        CaseType.ENQUIRY
    )


def test_default_reason_without_a_model(rules):
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
