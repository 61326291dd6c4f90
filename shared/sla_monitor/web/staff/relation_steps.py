"""The steps about who a case concerns: someone acting for the customer (recorded, changed,
removed), a related case linked, and a duplicate merged into its original. Lines of the steps
table (`web.staff.steps.ACTIONS` adds them), each calling its use case in `staff.representatives`
or `staff.duplicates`. Linking and merging name a second case in the form: the viewer's
permission on it is asked by the route too (`CaseAction.target`)."""

from __future__ import annotations

from collections.abc import Mapping

from sla_monitor.cases import Case, LettersTo
from sla_monitor.staff.duplicates import link_cases, merge_case, unlink_cases
from sla_monitor.staff.representatives import (
    CONSENT_WAYS,
    RepresentativeDetails,
    record_representative,
    remove_representative,
)
from sla_monitor.web.forms import FieldError
from sla_monitor.web.staff.answers import day_from
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import CaseInForm, Permission
from sla_monitor.web.staff.step_checks import required
from sla_monitor.web.staff.step_kinds import OPEN, CaseAction, Condition

AWAITED = "awaited"  # the consent question's answer while consent is awaited
CONSENT_DATE = "consent_given_on"
# Where the date input's error sits: its first box, as GOV.UK links a date's error.
CONSENT_DATE_FIELD = f"{CONSENT_DATE}-day"

HAS_REPRESENTATIVE = Condition(
    lambda case: case.representative is not None, "nobody is recorded as acting for the customer"
)
HAS_LINKS = Condition(lambda case: bool(case.linked_cases), "no case is linked to it")
NOT_AN_ORIGINAL = Condition(
    lambda case: not case.merged_from,
    "other cases were merged into it, so it cannot be merged in turn",
)


def check_representative(
    values: Mapping[str, str], pages: StaffPages, case: Case
) -> list[FieldError]:
    errors = required("name", "Enter the representative's name", 200)(values, pages, case)
    errors += required(
        "relationship",
        "Enter who they are to the customer, like daughter, ward councillor or advocate",
        100,
    )(values, pages, case)
    consent = values.get("consent_how", "")
    if consent not in (*CONSENT_WAYS, AWAITED):
        errors.append(
            FieldError("consent_how", "Select how the customer gave consent, or that it is awaited")
        )
    elif consent != AWAITED:
        _, error = day_from(values, CONSENT_DATE, "the date the customer gave consent")
        if error is not None:
            errors.append(FieldError(CONSENT_DATE_FIELD, error.message))
    if values.get("letters_to", "") not in {t.value for t in LettersTo}:
        errors.append(FieldError("letters_to", "Select who letters and emails go to"))
    return errors


def _represent(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    consent = values.get("consent_how", AWAITED)
    given_on = None if consent == AWAITED else day_from(values, CONSENT_DATE, "")[0]
    return record_representative(
        case.reference,
        RepresentativeDetails(
            name=values.get("name", ""),
            relationship=values.get("relationship", ""),
            email=values.get("email"),
            phone=values.get("phone"),
            address=values.get("address"),
            consent_how=None if consent == AWAITED else consent,
            consent_given_on=given_on,
            letters_to=LettersTo(values["letters_to"]),
        ),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _remove(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return remove_representative(
        case.reference,
        reason=values.get("reason", ""),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _link(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return link_cases(
        case.reference,
        values.get("reference", ""),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _unlink(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return unlink_cases(
        case.reference,
        values.get("reference", ""),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def check_unlink(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    if values.get("reference", "") in case.linked_cases:
        return []
    return [FieldError("reference", "Select the case to unlink")]


def _merge(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return merge_case(
        case.reference,
        values.get("reference", ""),
        different_customer_confirmed=values.get("confirm") == "yes",
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


_OTHER_CASE = "Enter the reference of the other case, like NWL-2026-000123"

RELATION_STEPS = (
    CaseAction(
        name="representative",
        permission=Permission.RECORD_REPRESENTATIVE,
        title="Who acts for the customer",
        button="Save",
        done="Who acts for the customer has been recorded. Letters go to whoever was chosen.",
        fields=(
            "name",
            "relationship",
            "email",
            "phone",
            "address",
            "consent_how",
            CONSENT_DATE_FIELD,
            "letters_to",
        ),
        check=check_representative,
        run=_represent,
        needs=(),
        arguments={
            "name": "name",
            "relationship": "relationship",
            "email": "email",
            "phone": "phone",
            "address": "address",
            "consent_how": "consent_how",
            CONSENT_DATE: CONSENT_DATE_FIELD,
            "letters_to": "letters_to",
        },
    ),
    CaseAction(
        name="remove-representative",
        permission=Permission.RECORD_REPRESENTATIVE,
        title="Remove the representative",
        button="Remove the representative",
        done="Nobody acts for the customer now. Letters go to the customer.",
        fields=("reason",),
        check=required("reason", "Enter why the representative no longer acts"),
        run=_remove,
        needs=(HAS_REPRESENTATIVE,),
    ),
    CaseAction(
        name="link",
        permission=Permission.LINK_CASES,
        title="Link a related case",
        button="Link the cases",
        done="The cases have been linked. Each case page names the other.",
        fields=("reference",),
        check=required("reference", _OTHER_CASE, 40),
        run=_link,
        needs=(),
        arguments={"other": "reference"},
        target=CaseInForm("reference", Permission.LINK_CASES),
    ),
    CaseAction(
        name="unlink",
        permission=Permission.LINK_CASES,
        title="Unlink a related case",
        button="Unlink the cases",
        done="The cases are no longer linked. Each timeline records it.",
        fields=("reference",),
        check=check_unlink,
        run=_unlink,
        needs=(HAS_LINKS,),
        arguments={"other": "reference"},
        target=CaseInForm("reference", Permission.LINK_CASES),
    ),
    CaseAction(
        name="merge",
        permission=Permission.LINK_CASES,
        title="Merge into another case",
        button="Merge the cases",
        done="The case has been merged into the other case and closed. Its messages show there.",
        fields=("reference", "confirm"),
        check=required("reference", _OTHER_CASE, 40),
        run=_merge,
        needs=(OPEN, NOT_AN_ORIGINAL),
        arguments={"into": "reference", "confirm": "confirm"},
        target=CaseInForm("reference", Permission.LINK_CASES),
    ),
)
