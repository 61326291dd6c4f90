"""Training the learned classification, and measuring a classifier on labelled messages.

Only the command line uses this (`sla-monitor classifier train|evaluate`); training needs
scikit-learn, a development dependency the Lambda layer does not carry. The examples are JSON
lines of `subject`, `body` and `label` (a case type), as `sla-monitor classifier export` writes
the staff's corrections and as `tests/data/resident_messages.jsonl` holds the project's own
messages. A line whose `split` is `held_out` is never trained on: it is kept for measuring.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sla_monitor.cases import CaseType
from sla_monitor.mail.learned import LearnedModel, features

HELD_OUT = "held_out"
# Complaints the learned model must find in cross-validation on the training examples before
# the "possible complaint" threshold is set: a missed complaint is worse than a reclassified
# request.
WANTED_COMPLAINT_RECALL = 0.97
_CV_FOLDS = 5
# Chosen by cross-validation on the training examples (never the held-out ones).
_REGULARISATION = 30.0


@dataclass(frozen=True)
class LabelledExample:
    subject: str
    body: str
    label: CaseType
    split: str | None = None


class ExamplesError(ValueError):
    """A file of examples cannot be read; the message says where."""


def read_examples(paths: Iterable[Path]) -> list[LabelledExample]:
    examples = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(
                    LabelledExample(
                        subject=str(row.get("subject") or ""),
                        body=str(row.get("body") or ""),
                        label=CaseType(row["label"]),
                        split=row.get("split"),
                    )
                )
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise ExamplesError(f"{path.name} line {number}: {error!r}") from error
    return examples


def _analyse(document: tuple[str, str]) -> list[str]:
    return features(*document)


def scikit_learn_pipeline() -> Any:
    """The unfitted scikit-learn model whose weights `LearnedModel` applies."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "training needs scikit-learn: pip install 'council-sla-monitor[train]'"
        ) from error
    return make_pipeline(
        TfidfVectorizer(analyzer=_analyse, sublinear_tf=True, min_df=2),
        LogisticRegression(C=_REGULARISATION, max_iter=5000),
    )


def train_model(
    examples: Sequence[LabelledExample],
    *,
    possible_complaint_at: float | None = None,
    complaint_at: float = 0.6,
) -> LearnedModel:
    """Fit the weights on `examples` (never the held-out ones). Without
    `possible_complaint_at`, the threshold is the highest that finds `WANTED_COMPLAINT_RECALL`
    of the complaints in cross-validation."""
    pipeline = scikit_learn_pipeline
    pipeline()  # says plainly when scikit-learn is not installed
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    usable = [e for e in examples if e.split != HELD_OUT]
    documents = [(e.subject, e.body) for e in usable]
    labels = [e.label.value for e in usable]
    if CaseType.COMPLAINT.value not in labels or len(set(labels)) < 2:
        raise ExamplesError("training needs complaints and at least one other type")

    if possible_complaint_at is None:
        folds = min(_CV_FOLDS, min(labels.count(label) for label in set(labels)))
        if folds >= 2:
            cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
            probabilities = cross_val_predict(
                pipeline(), documents, labels, cv=cv, method="predict_proba"
            )
            classes = sorted(set(labels))
            column = classes.index(CaseType.COMPLAINT.value)
            complaint_scores = [
                row[column]
                for row, label in zip(probabilities, labels, strict=True)
                if label == CaseType.COMPLAINT.value
            ]
            possible_complaint_at = _threshold_for_recall(complaint_scores)
        else:
            possible_complaint_at = 0.25
    fitted = pipeline().fit(documents, labels)
    return exported(
        fitted,
        possible_complaint_at=possible_complaint_at,
        complaint_at=complaint_at,
        trained={"examples": len(usable), "by_type": {}},
        labels=labels,
    )


def exported(
    fitted: Any,
    *,
    possible_complaint_at: float,
    complaint_at: float,
    trained: dict[str, Any],
    labels: Sequence[str],
) -> LearnedModel:
    """The weights of a fitted pipeline, as `LearnedModel` applies them (rounded to five
    places; words that weigh nothing for any type are left out)."""
    vectoriser, regression = fitted.steps[0][1], fitted.steps[1][1]
    case_types = tuple(CaseType(c) for c in regression.classes_)
    weights: dict[str, tuple[float, tuple[float, ...]]] = {}
    coefficients = regression.coef_
    if len(case_types) == 2:  # scikit-learn keeps one row for two classes
        coefficients = [-coefficients[0] / 2, coefficients[0] / 2]
    for feature, column_index in vectoriser.vocabulary_.items():
        row = tuple(round(float(c[column_index]), 5) for c in coefficients)
        if max(abs(w) for w in row) >= 1e-4:
            idf = round(float(vectoriser.idf_[column_index]), 5)
            weights[feature] = (idf, row)
    intercepts = regression.intercept_
    if len(case_types) == 2:
        intercepts = [-intercepts[0] / 2, intercepts[0] / 2]
    counts = {c.value: labels.count(c.value) for c in case_types}
    return LearnedModel(
        classes=case_types,
        weights=weights,
        intercepts=tuple(round(float(b), 5) for b in intercepts),
        possible_complaint_at=round(min(possible_complaint_at, complaint_at), 4),
        complaint_at=complaint_at,
        trained={**trained, "by_type": counts},
    )


def _threshold_for_recall(complaint_scores: Sequence[float]) -> float:
    """The highest probability threshold that keeps the wanted share of these complaints."""
    ranked = sorted(complaint_scores, reverse=True)
    keep = min(len(ranked), max(1, math.ceil(len(ranked) * WANTED_COMPLAINT_RECALL)))
    # Just under the score of the last complaint that must be kept, and never above one half.
    return min(0.5, max(0.05, ranked[keep - 1] - 1e-6))


# -- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeMeasure:
    case_type: CaseType
    support: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 0.0


@dataclass(frozen=True)
class Measurement:
    total: int
    correct: int
    by_type: tuple[TypeMeasure, ...]
    possible_complaints: int
    # (subject, label, predicted) of each message given the wrong type
    mistakes: tuple[tuple[str, CaseType, CaseType], ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def of(self, case_type: CaseType) -> TypeMeasure:
        return next(m for m in self.by_type if m.case_type is case_type)

    def report(self) -> str:
        lines = [f"{'type':<16} {'precision':>9} {'recall':>7} {'messages':>8}"]
        for m in self.by_type:
            lines.append(
                f"{m.case_type.label:<16} {m.precision:>9.1%} {m.recall:>7.1%} {m.support:>8}"
            )
        lines.append(f"accuracy {self.accuracy:.1%} ({self.correct} of {self.total})")
        lines.append(
            f"flagged 'possible complaint' for staff to confirm: {self.possible_complaints}"
        )
        return "\n".join(lines)


def measure(
    examples: Sequence[LabelledExample],
    classify: Callable[[str, str], tuple[CaseType, bool]],
) -> Measurement:
    """Precision and recall of each type and the accuracy of `classify` (which gives the type
    a case would be timed as, and whether it is flagged as a possible complaint)."""
    predictions = [classify(e.subject, e.body) for e in examples]
    measures = []
    for case_type in CaseType:
        support = sum(e.label is case_type for e in examples)
        predicted = sum(p is case_type for p, _ in predictions)
        correct = sum(
            e.label is case_type and p is case_type
            for e, (p, _) in zip(examples, predictions, strict=True)
        )
        measures.append(TypeMeasure(case_type, support, predicted, correct))
    mistakes = tuple(
        (e.subject or e.body[:60], e.label, p)
        for e, (p, _) in zip(examples, predictions, strict=True)
        if p is not e.label
    )
    return Measurement(
        total=len(examples),
        correct=len(examples) - len(mistakes),
        by_type=tuple(measures),
        possible_complaints=sum(flag for _, flag in predictions),
        mistakes=mistakes,
    )
