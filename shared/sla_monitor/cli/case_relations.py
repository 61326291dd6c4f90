"""`sla-monitor case represent`, `case link` (and `--remove`) and `case merge`: someone acting
for the customer, related cases, and a duplicate merged into its original. Each calls its use case
(`staff.representatives`, `staff.duplicates`) and says what was done, as the other steps do."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from sla_monitor.cases import LettersTo
from sla_monitor.cli.case_steps import _casework, _done, acting_now
from sla_monitor.cli.common import target_services
from sla_monitor.staff.duplicates import link_cases, merge_case, unlink_cases
from sla_monitor.staff.representatives import (
    CONSENT_WAYS,
    RepresentativeDetails,
    letters_words,
    record_representative,
    remove_representative,
)

Step = Callable[..., argparse.ArgumentParser]
# The consent's ways as options are typed: "in-writing" for "in writing".
_CONSENT_OPTIONS = {way.replace(" ", "-"): way for way in CONSENT_WAYS}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-02-05") from None


def register(actions: argparse._SubParsersAction, step: Step) -> None:
    represent = step(
        actions,
        "represent",
        "record someone acting for the customer (a relative, a councillor, an advocate), the "
        "customer's consent, and who letters go to; or --remove them",
        represent_customer,
    )
    represent.add_argument("--name", metavar="TEXT", help="the representative's name")
    represent.add_argument(
        "--relationship", metavar="TEXT", help="who they are to the customer: daughter, MP"
    )
    represent.add_argument("--email", help="their email address")
    represent.add_argument("--phone", help="their phone number")
    represent.add_argument("--address", help="their postal address")
    represent.add_argument(
        "--consent",
        choices=sorted(_CONSENT_OPTIONS),
        help="how the customer gave consent (leave out while it is awaited)",
    )
    represent.add_argument(
        "--consent-given", type=_day, metavar="YYYY-MM-DD", help="the day consent was given"
    )
    represent.add_argument(
        "--letters-to",
        choices=[t.value for t in LettersTo],
        default=LettersTo.CUSTOMER.value,
        help="who letters and emails go to (nothing goes to the representative before "
        "consent is recorded)",
    )
    represent.add_argument(
        "--remove", action="store_true", help="nobody acts for the customer any more"
    )
    represent.add_argument("--reason", metavar="TEXT", help="why, with --remove")

    link = step(
        actions,
        "link",
        "link two related cases (each names the other), or --remove the link",
        link_related,
    )
    link.add_argument("--to", dest="other", required=True, metavar="REF")
    link.add_argument(
        "--remove", action="store_true", help="unlink them: neither names the other any more"
    )

    merge = step(
        actions,
        "merge",
        "merge a duplicate into its original: the duplicate closes as merged (its clocks stop "
        "without a reply) and its messages show on the original",
        merge_duplicate,
    )
    merge.add_argument("--into", required=True, metavar="REF", help="the original case")
    merge.add_argument(
        "--different-customer",
        action="store_true",
        help="merge although the cases' customers' details differ",
    )


def represent_customer(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        if args.remove:
            case = remove_representative(
                args.reference, reason=args.reason or "", by=args.actor, **_casework(bundle, now)
            )
            result = f"{case.reference}: nobody acts for the customer now; letters go to them"
            return _done(args, bundle, case, now, result, deliver=False)
        details = RepresentativeDetails(
            name=args.name or "",
            relationship=args.relationship or "",
            email=args.email,
            phone=args.phone,
            address=args.address,
            consent_how=_CONSENT_OPTIONS[args.consent] if args.consent else None,
            consent_given_on=args.consent_given,
            letters_to=LettersTo(args.letters_to),
        )
        case = record_representative(
            args.reference, details, by=args.actor, **_casework(bundle, now)
        )
        assert case.representative is not None
        result = (
            f"{case.reference}: {case.representative.name} acts for the customer; letters go "
            f"to {letters_words(case.representative)}"
        )
        return _done(args, bundle, case, now, result, deliver=False)


def link_related(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        if args.remove:
            case = unlink_cases(args.reference, args.other, by=args.actor, **_casework(bundle, now))
            result = f"{case.reference}: no longer linked to {args.other.strip().upper()}"
        else:
            case = link_cases(args.reference, args.other, by=args.actor, **_casework(bundle, now))
            result = f"{case.reference}: linked to {case.linked_cases[-1]}"
        return _done(args, bundle, case, now, result, deliver=False)


def merge_duplicate(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = merge_case(
            args.reference,
            args.into,
            by=args.actor,
            different_customer_confirmed=args.different_customer,
            **_casework(bundle, now),
        )
        result = f"{case.reference}: merged into {case.merged_into} and closed"
        return _done(args, bundle, case, now, result)
