"""The first classification, measured on residents' messages it was never trained on
(`tests/data/resident_messages.jsonl`, split `held_out`; `make eval` prints the same figures).
A missed complaint is worse than a reclassified request: complaints must nearly all be found."""

from __future__ import annotations

from pathlib import Path

import pytest

from sla_monitor.cases import CaseType
from sla_monitor.mail.classification import classify, load_classification_rules
from sla_monitor.mail.learned import features, load_learned_model
from sla_monitor.mail.training import HELD_OUT, measure, read_examples

DATA = Path(__file__).resolve().parents[2] / "data" / "resident_messages.jsonl"


@pytest.fixture(scope="module")
def examples():
    return read_examples([DATA])


@pytest.fixture(scope="module")
def held_out(examples):
    return [e for e in examples if e.split == HELD_OUT]


@pytest.fixture(scope="module")
def measurement(held_out):
    rules, model = load_classification_rules(), load_learned_model()

    def first_classification(subject, body):
        found = classify(subject, body, rules, model)
        return found.case_type, found.possible_complaint

    return measure(held_out, first_classification)


def test_the_set_is_large_and_covers_every_type(examples, held_out):
    assert len(examples) >= 250
    assert {e.split for e in examples} == {"train", HELD_OUT}
    assert {e.label for e in held_out} == set(CaseType)
    assert len(held_out) >= 100


def test_no_held_out_message_is_also_a_training_message(examples, held_out):
    trained = {(e.subject, e.body) for e in examples if e.split != HELD_OUT}
    assert not [e for e in held_out if (e.subject, e.body) in trained]


def test_complaint_recall_on_held_out_messages_is_at_least_95_percent(measurement):
    assert measurement.of(CaseType.COMPLAINT).recall >= 0.95, measurement.report()


def test_accuracy_on_held_out_messages_is_at_least_90_percent(measurement):
    assert measurement.accuracy >= 0.90, measurement.report()


def test_the_shipped_weights_were_not_trained_on_held_out_messages(examples):
    model = load_learned_model()
    trained = [e for e in examples if e.split != HELD_OUT]
    assert model.trained["examples"] == len(trained)
    # A word found only in held-out messages has no weight.
    seen = {f for e in trained for f in features(e.subject, e.body)}
    assert not {f for f in model.weights if f not in seen}
