"""`sla-monitor privacy`: a person's rights over what the council holds about them. `find` lists
every record held about them; `export` writes the subject access bundle; `rectify` corrects
their details on every case, as new facts; `erase` erases them where the law allows (refused
while a legal hold stands), with `--dry-run` to see what would go. Each takes `--as`, which must
name someone whose role may (the Corporate Complaints Officer: `docs/security.md`)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sla_monitor.cli.case_steps import acting_now
from sla_monitor.cli.common import (
    UsageError,
    require_permission,
    staff_action,
    table,
    target_services,
)
from sla_monitor.privacy.bundle import subject_access_bundle
from sla_monitor.privacy.erasure import Correction, Request, erase_person, rectify_person
from sla_monitor.privacy.files import S3PersonsFiles
from sla_monitor.privacy.holdings import Holdings, Person, find_person
from sla_monitor.runtime import Services
from sla_monitor.web.staff.permissions import Permission


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "privacy",
        help="find, export, correct or erase what is held about a person",
        description=(
            "A person's rights over their personal data (UK GDPR): find every record held about "
            "them, export it as a subject access bundle, correct their details, or erase them "
            "where the law allows. See docs/privacy.md."
        ),
    )
    actions = parser.add_subparsers(dest="privacy_action", required=True, metavar="ACTION")

    find = staff_action(actions, "find", "list every record held about a person", find_records)
    _who(find)
    export = staff_action(
        actions, "export", "write a subject access bundle for a person to a folder", export_bundle
    )
    _who(export)
    export.add_argument("--output", required=True, metavar="DIR", help="the folder to write to")

    rectify = staff_action(
        actions, "rectify", "correct a person's details on every case", rectify_details
    )
    rectify.add_argument("--email", required=True, help="the address the person is known by")
    rectify.add_argument("--new-email", metavar="E2", help="their address as it should be")
    rectify.add_argument("--name", help="their name as it should be")
    rectify.add_argument("--phone", help="their phone number as it should be")
    rectify.add_argument("--address", help="their postal address as it should be")
    _request(rectify)

    erase = staff_action(actions, "erase", "erase a person where the law allows", erase_records)
    erase.add_argument("--email", required=True, help="the address the person is known by")
    erase.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
    _request(erase)


def _who(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", help="their email address")
    parser.add_argument("--name", help="their full name (cases found by it alone are flagged)")
    parser.add_argument("--phone", help="their phone number")


def _request(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why, recorded")
    parser.add_argument(
        "--requested-by",
        default="the person themselves",
        metavar="TEXT",
        help="who asked: the request's reference is best (recorded; avoid the person's name)",
    )


def _person(args: argparse.Namespace) -> Person:
    try:
        return Person(email=args.email, name=getattr(args, "name", None), phone=args.phone)
    except ValueError as error:
        raise UsageError(str(error)) from error


def _allowed(args: argparse.Namespace, bundle: Services) -> None:
    require_permission(bundle.directory, args.actor, Permission.SERVE_PRIVACY_REQUESTS)


def _casework(bundle: Services, now: Any) -> dict[str, Any]:
    return {"store": bundle.store, "policy": bundle.policy, "calendar": bundle.calendar, "now": now}


def _files(bundle: Services) -> S3PersonsFiles:
    return S3PersonsFiles(bundle.client("s3"), bundle.settings.raw_mail_bucket)


def holdings_json(holdings: Holdings) -> dict[str, Any]:
    return {
        "cases": [
            {"reference": h.case.reference, "standing": h.standing.value} for h in holdings.cases
        ],
        "records": [
            {**asdict(r), "at": r.at.isoformat() if r.at else None} for r in holdings.records()
        ],
    }


def find_records(args: argparse.Namespace) -> int:
    person = _person(args)
    with target_services(args) as bundle:
        _allowed(args, bundle)
        holdings = find_person(person, store=bundle.store)
    if args.json:
        print(json.dumps(holdings_json(holdings), indent=2))
        return 0
    records = holdings.records()
    if not records:
        print("nothing is held about them")
        return 0
    rows = [
        (r.kind, r.reference or "-", r.at.date().isoformat() if r.at else "-", r.description)
        for r in records
    ]
    print(f"{len(records)} records held:")
    print("\n".join(table(rows)))
    return 0


def export_bundle(args: argparse.Namespace) -> int:
    person = _person(args)
    now = acting_now(args)
    with target_services(args) as bundle:
        _allowed(args, bundle)
        holdings = find_person(person, store=bundle.store)
        made = subject_access_bundle(
            holdings,
            files=_files(bundle),
            directory=bundle.directory,
            calendar=bundle.calendar,
            now=now,
        )
    folder = Path(args.output)
    for path, content in made.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if args.json:
        print(json.dumps({"files": sorted(made.files), "missing": made.missing}, indent=2))
    else:
        print(f"wrote {len(made.files)} files to {folder} (open index.html; manifest.json)")
        for missing in made.missing:
            print(f"  no longer kept: {missing}")
    return 0


def rectify_details(args: argparse.Namespace) -> int:
    now = acting_now(args)
    correction = Correction(
        email=args.new_email, name=args.name, phone=args.phone, address=args.address
    )
    request = Request(reason=args.reason, requested_by=args.requested_by, by=args.actor)
    with target_services(args) as bundle:
        _allowed(args, bundle)
        corrected = rectify_person(
            Person(email=args.email), correction, request, **_casework(bundle, now)
        )
    if args.json:
        print(json.dumps({"corrected": corrected}, indent=2))
    else:
        print(f"corrected on {len(corrected)} cases: {', '.join(corrected) or 'none'}")
    return 0


def erase_records(args: argparse.Namespace) -> int:
    now = acting_now(args)
    request = Request(reason=args.reason, requested_by=args.requested_by, by=args.actor)
    with target_services(args) as bundle:
        _allowed(args, bundle)
        plan = erase_person(
            Person(email=args.email),
            request,
            files=_files(bundle),
            dry_run=args.dry_run,
            **_casework(bundle, now),
        )
    if args.json:
        print(json.dumps(asdict(plan), indent=2))
        return 0
    verb = "erased" if plan.done else "would erase (dry run: nothing changed)"
    print(f"{verb}: {len(plan.cases)} cases as the customer: {', '.join(plan.cases) or 'none'}")
    lines = [
        f"their details as representative on {len(plan.representative_of)} cases",
        f"{len(plan.files)} files, {plan.letters} letters, {plan.classifier_examples} classifier "
        f"examples, {plan.triage} messages set aside, {plan.sign_in_links} sign-in links, "
        f"{plan.sessions} sessions",
    ]
    for line in lines:
        print(f"  {line}")
    if plan.not_theirs:
        print(f"  not touched (found by name alone): {', '.join(plan.not_theirs)}")
    return 0
