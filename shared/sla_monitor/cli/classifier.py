"""`sla-monitor classifier ACTION`: the first classification's learned model.

- `export --output FILE`: the staff's corrections (every reclassified or confirmed case's
  subject, body and type), as JSON lines to train on.
- `train --examples FILE... --output weights.json`: new weights from labelled examples (needs
  scikit-learn, installed with the `train` extra); lines marked `"split": "held_out"` are kept
  out of training.
- `evaluate --examples FILE... [--split held_out] [--weights FILE]`: precision and recall of
  each type and the accuracy, with the shipped rules and the given (or shipped) weights.

New weights are deployed like the rules: replace `shared/sla_monitor/config/classifier-weights.json`
and redeploy (docs/intake.md, "How a council retrains it").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sla_monitor.cli.common import UsageError, add_target_arguments, target_services
from sla_monitor.mail.classification import classify, load_classification_rules
from sla_monitor.mail.learned import WeightsError, load_learned_model, load_weights_file
from sla_monitor.mail.training import ExamplesError, measure, read_examples, train_model


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "classifier",
        help="export staff corrections, train and evaluate the first classification",
        description="The learned part of the first classification of email.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    export = actions.add_parser(
        "export", help="write the staff's corrections as labelled examples (JSON lines)"
    )
    export.add_argument("--output", type=Path, required=True, metavar="FILE")
    add_target_arguments(export)
    export.set_defaults(handler=run_export)

    train = actions.add_parser("train", help="train new weights from labelled examples")
    train.add_argument("--examples", type=Path, nargs="+", required=True, metavar="FILE")
    train.add_argument("--output", type=Path, required=True, metavar="FILE")
    train.add_argument(
        "--possible-complaint-at",
        type=float,
        metavar="P",
        help="flag a possible complaint at this probability (default: set by cross-validation)",
    )
    train.set_defaults(handler=run_train)

    evaluate = actions.add_parser(
        "evaluate", help="precision, recall and accuracy on labelled examples"
    )
    evaluate.add_argument("--examples", type=Path, nargs="+", required=True, metavar="FILE")
    evaluate.add_argument(
        "--split", metavar="NAME", help="only the lines with this split (such as held_out)"
    )
    evaluate.add_argument("--weights", type=Path, metavar="FILE", help="default: the shipped")
    evaluate.add_argument(
        "--mistakes", action="store_true", help="also list each message given the wrong type"
    )
    evaluate.set_defaults(handler=run_evaluate)


def run_export(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        examples = bundle.store.classification_examples()
    with args.output.open("w", encoding="utf-8") as out:
        for example in examples:
            row = {
                "subject": example.subject,
                "body": example.body,
                "label": example.label.value,
                "first_type": example.first_type.value,
                "labelled_at": example.labelled_at.isoformat(),
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(examples)} labelled examples written to {args.output}")
    return 0


def _examples(paths: list[Path]) -> list:
    try:
        return read_examples(paths)
    except (OSError, ExamplesError) as error:
        raise UsageError(str(error)) from error


def run_train(args: argparse.Namespace) -> int:
    examples = _examples(args.examples)
    try:
        model = train_model(examples, possible_complaint_at=args.possible_complaint_at)
    except (ExamplesError, RuntimeError) as error:
        raise UsageError(str(error)) from error
    args.output.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", "utf-8")
    counts = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in model.trained["by_type"].items())
    print(
        f"trained on {model.trained['examples']} examples ({counts}); "
        f"possible complaint at {model.possible_complaint_at:.2f}; written to {args.output}"
    )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    examples = _examples(args.examples)
    if args.split:
        examples = [e for e in examples if e.split == args.split]
    if not examples:
        raise UsageError("no examples to evaluate")
    try:
        model = load_weights_file(args.weights) if args.weights else load_learned_model()
    except (OSError, ValueError, WeightsError) as error:
        raise UsageError(f"the weights cannot be used: {error}") from error
    rules = load_classification_rules()

    def first_classification(subject: str, body: str) -> tuple:
        found = classify(subject, body, rules, model)
        return found.case_type, found.possible_complaint

    result = measure(examples, first_classification)
    where = f" ({args.split})" if args.split else ""
    print(f"{len(examples)} labelled messages{where}; a possible complaint counts as a complaint")
    print(result.report())
    if args.mistakes:
        for text, label, predicted in result.mistakes:
            print(f"  {label.label} taken for {predicted.label}: {text[:70]}")
    return 0
