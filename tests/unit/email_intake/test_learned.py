"""The learned model applied in plain Python gives what scikit-learn gives, and reads its
weights file strictly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sla_monitor.cases import CaseType
from sla_monitor.mail.learned import WeightsError, features, load_learned_model, parse_weights
from sla_monitor.mail.training import (
    HELD_OUT,
    exported,
    read_examples,
    scikit_learn_pipeline,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "resident_messages.jsonl"


def test_plain_python_gives_scikit_learns_probabilities():
    examples = read_examples([DATA])
    trained = [e for e in examples if e.split != HELD_OUT]
    labels = [e.label.value for e in trained]
    fitted = scikit_learn_pipeline().fit([(e.subject, e.body) for e in trained], labels)
    model = exported(fitted, possible_complaint_at=0.4, complaint_at=0.6, trained={}, labels=labels)
    held_out = [e for e in examples if e.split == HELD_OUT]

    expected = fitted.predict_proba([(e.subject, e.body) for e in held_out])

    for example, row in zip(held_out, expected, strict=True):
        scores = model.scores(example.subject, example.body)
        for case_type, probability in zip(fitted.classes_, row, strict=True):
            # The file keeps five decimal places.
            assert scores.of(CaseType(case_type)) == pytest.approx(probability, abs=2e-3)


def test_the_shipped_file_round_trips():
    model = load_learned_model()

    again = parse_weights(json.loads(json.dumps(model.to_json())))

    assert again == model
    assert model.complaint_at >= model.possible_complaint_at > 0


def test_features_read_words_pairs_the_subject_and_cues():
    found = features("Missed bin", "You didn’t come back. Again!")

    assert {"w:missed", "s:bin", "p:didn't come", "x:council", "x:repeat"} <= set(found)


@pytest.mark.parametrize(
    "data",
    [
        {"format": 2},
        {"format": 1, "classes": ["enquiry"], "intercepts": [0.0], "features": {}},
        {
            "format": 1,
            "classes": ["complaint", "enquiry"],
            "intercepts": [0.0, 0.0],
            "possible_complaint_at": 0.3,
            "complaint_at": 0.6,
            "features": {"w:bin": [1.0, 2.0]},
        },
        {"format": 1, "classes": ["grumble"], "intercepts": [0.0], "features": {}},
    ],
)
def test_a_weights_file_that_does_not_fit_is_refused(data):
    with pytest.raises(WeightsError):
        parse_weights(data)
