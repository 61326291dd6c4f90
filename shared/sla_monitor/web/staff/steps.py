"""The steps staff take on a case, one line each in `ACTIONS`: its address, the permission it
needs, what the case must be for the step to be open on it, its form's fields and their checks,
and the use case of `sla_monitor.staff` it calls. The routes of the steps are made from this
table, so each step's permission and conditions are written once, here: the case page offers a
step only where they hold, and its form and its answer are refused with the reason where they do
not, however the request was made."""

from __future__ import annotations

from collections.abc import Mapping

from sla_monitor import staff
from sla_monitor.cases import Case, CaseType, Channel, Outcome
from sla_monitor.council import load_council
from sla_monitor.staff.answering import ANSWERED_BY_REPLY, takes_formal_response
from sla_monitor.web.staff.appointment_steps import APPOINTMENT_STEPS
from sla_monitor.web.staff.hold_steps import HOLD_STEPS
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission
from sla_monitor.web.staff.relation_steps import RELATION_STEPS
from sla_monitor.web.staff.step_checks import (
    MAX_TEXT,
    REMEDY_SLOTS,
    check_assign,
    check_close,
    check_confirm_type,
    check_extend,
    check_reclassify,
    check_remedy_done,
    check_reply,
    check_respond,
    check_stage_2,
    no_fields,
    remedies_from,
    required,
)
from sla_monitor.web.staff.step_kinds import OPEN, CaseAction, Condition


def _stage_2_to_decide(case: Case) -> bool:
    """A stage 2 request (or a possible one) that staff may still decide not to take."""
    if case.stage_2 is not None:
        return not case.stage_2.declined and case.stage_2.responded_at is None
    return case.possible_stage_2_at is not None


def _acknowledgement_owed(case: Case) -> bool:
    if case.stage_2 is not None:
        return case.stage_2.acknowledged_at is None
    return case.acknowledged_at is None


NOT_PAUSED = Condition(
    lambda case: case.open_pause is None, "the clocks are paused already: resume them instead"
)
PAUSED = Condition(lambda case: case.open_pause is not None, "the clocks are not paused")
REMEDIES_TO_DO = Condition(
    lambda case: bool(case.remedies_outstanding), "no action promised in the response is to do"
)
NOT_AT_STAGE_2 = Condition(lambda case: case.stage_2 is None, "the complaint is at stage 2")
FLAGGED = Condition(
    lambda case: case.possible_complaint,
    "the case was not flagged as a possible complaint: there is no type to confirm "
    "(reclassify it, with the reason, instead)",
)
COMPLAINT = Condition(lambda case: case.case_type is CaseType.COMPLAINT, "it is not a complaint")
NOT_ANSWERED = Condition(
    lambda case: case.response_at(1) is None, "its stage 1 response is recorded already"
)
ANSWERED = Condition(
    lambda case: case.response_at(1) is not None, "its stage 1 response is not recorded yet"
)
BY_REPLY = Condition(
    lambda case: case.case_type in ANSWERED_BY_REPLY,
    "only an enquiry or a service request is answered by a reply (a complaint has its formal "
    "response)",
)
FORMALLY_ANSWERED = Condition(
    takes_formal_response,
    "an enquiry or a service request is answered with Reply and answer, or closed without a "
    "letter: the formal response is for complaints",
)
UNANSWERED = Condition(
    lambda case: case.responded_at is None and case.response_at(case.stage) is None,
    "it has been answered already",
)
# Where the council lets staff close a case without a letter (council.yaml, read once).
CLOSABLE_WITHOUT_LETTER = Condition(
    lambda case: load_council().closing_without_a_letter.allowed_for(case.case_type),
    "the council answers this type of case with a letter",
)
STAGE_2_TO_DECIDE = Condition(_stage_2_to_decide, "no stage 2 request waits for a decision")
ACKNOWLEDGEMENT_OWED = Condition(_acknowledgement_owed, "it was acknowledged already")


def _assign(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.assign_case(
        case.reference,
        officer_id=values["officer"],
        department=values.get("department") or None,
        by=visit.viewer.officer_id,
        directory=pages.directory,
        **pages.casework(visit.now),
    )


def _pause(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.wait_for_customer(
        case.reference,
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _resume(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.resume_clocks(
        case.reference, by=visit.viewer.officer_id, **pages.casework(visit.now)
    )


def _extend(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.extend_deadline(
        case.reference,
        working_days=int(values["working_days"]),
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _note(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.add_note(
        case.reference,
        text=values["text"],
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _respond(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.record_response(
        case.reference,
        outcome=Outcome(values["outcome"]),
        summary=values["summary"],
        apology=values.get("apology"),
        remedy=values.get("remedy"),
        lessons_learned=values.get("lessons"),
        remedies=remedies_from(values)[0],
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _remedy_done(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.record_remedy_done(
        case.reference,
        number=int(values["number"]),
        note=values.get("note"),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _reclassify(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.reclassify_case(
        case.reference,
        case_type=CaseType(values["case_type"]),
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _confirm_type(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.confirm_case_type(
        case.reference,
        case_type=CaseType(values["case_type"]),
        reason=values.get("reason", "").strip() or None,
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _refuse(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.refuse_complaint(
        case.reference,
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _stage_2(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.request_stage_2(
        case.reference,
        reason=values["reason"].strip(),
        channel=Channel(values["channel"]),
        officer_id=values.get("officer") or None,
        by=visit.viewer.officer_id,
        directory=pages.directory,
        **pages.casework(visit.now),
    )


def _decline_stage_2(
    pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]
) -> Case:
    return staff.decline_stage_2(
        case.reference,
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _acknowledged(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.record_acknowledgement_sent(
        case.reference,
        how=values["how"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _reply(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.reply_to_customer(
        case.reference,
        text=values["text"],
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _answer(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.answer_customer(
        case.reference,
        text=values["text"],
        close=values.get("keep_open") != "yes",
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _close(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.close_without_letter(
        case.reference,
        reason=values["reason"],
        other_reason=values.get("other_reason"),
        closing=pages.council.closing_without_a_letter,
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


ACTIONS: Mapping[str, CaseAction] = {
    a.name: a
    for a in (
        CaseAction(
            name="answer",
            permission=Permission.RECORD_RESPONSE,
            title="Reply and answer",
            button="Send the reply",
            done="Your reply has been sent to the customer and answers the case: the promise to "
            "respond is kept.",
            fields=("text", "keep_open"),
            check=check_reply,
            run=_answer,
            needs=(OPEN, BY_REPLY, UNANSWERED),
            checked=True,
            templated=True,
        ),
        CaseAction(
            name="assign",
            permission=Permission.ASSIGN_CASE,
            title="Assign the case",
            button="Assign",
            done="The case has been assigned. The officer will be told, unless they took it "
            "themselves.",
            fields=("officer", "department"),
            check=check_assign,
            run=_assign,
        ),
        CaseAction(
            name="pause",
            permission=Permission.PAUSE_CLOCKS,
            title="Wait on the customer",
            button="Pause the clocks",
            done="The clocks are paused. The customer will be told what is needed.",
            fields=("reason",),
            check=required("reason", "Enter what the customer needs to send or do"),
            run=_pause,
            needs=(OPEN, NOT_PAUSED),
        ),
        CaseAction(
            name="resume",
            permission=Permission.PAUSE_CLOCKS,
            title="Resume the clocks",
            button="Resume the clocks",
            done="The clocks are running again. The customer will be told the new date.",
            fields=(),
            check=no_fields,
            run=_resume,
            needs=(PAUSED,),
        ),
        CaseAction(
            name="extend",
            permission=Permission.EXTEND_DEADLINE,
            title="Extend the response deadline",
            button="Extend the deadline",
            done="The deadline has been extended. The customer will be told why and the new date.",
            fields=("working_days", "reason"),
            check=check_extend,
            run=_extend,
        ),
        CaseAction(
            name="note",
            permission=Permission.ADD_NOTE,
            title="Add a note",
            button="Add the note",
            done="Your note has been added to the timeline.",
            fields=("text",),
            check=required("text", "Enter the note", MAX_TEXT),
            run=_note,
            needs=(),
        ),
        CaseAction(
            name="respond",
            permission=Permission.RECORD_RESPONSE,
            title="Record the formal response",
            button="Record the response",
            done="The response has been recorded. The letter goes to the customer. The case "
            "closes, unless it promised actions still to do.",
            fields=(
                "outcome",
                "summary",
                "apology",
                "remedy",
                "lessons",
                *(f"remedy_action_{n}" for n in range(1, REMEDY_SLOTS + 1)),
                *(f"remedy_by_{n}" for n in range(1, REMEDY_SLOTS + 1)),
            ),
            check=check_respond,
            run=_respond,
            needs=(OPEN, FORMALLY_ANSWERED),
            arguments={"remedies": "remedy_action_1"},
            checked=True,
        ),
        CaseAction(
            name="remedy-done",
            permission=Permission.RECORD_RESPONSE,
            title="Record an action as done",
            button="Record it as done",
            done="The action has been recorded as done. The customer will be told.",
            fields=("number", "note"),
            check=check_remedy_done,
            run=_remedy_done,
            needs=(REMEDIES_TO_DO,),
            arguments={"number": "number"},
        ),
        CaseAction(
            name="reply",
            permission=Permission.REPLY_TO_CUSTOMER,
            title="Write to the customer",
            button="Send the message",
            done="Your message has been sent to the customer and added to the timeline.",
            fields=("text",),
            check=check_reply,
            run=_reply,
            needs=(),
            checked=True,
            templated=True,
        ),
        CaseAction(
            name="close",
            permission=Permission.RECORD_RESPONSE,
            title="Close without a letter",
            button="Close the case",
            done="The case has been closed without a letter, with your reason.",
            fields=("reason", "other_reason"),
            check=check_close,
            run=_close,
            needs=(OPEN, CLOSABLE_WITHOUT_LETTER),
            arguments={"reason": "reason", "other_reason": "other_reason"},
        ),
        CaseAction(
            name="reclassify",
            permission=Permission.RECLASSIFY_CASE,
            title="Reclassify the case",
            button="Reclassify",
            done="The case has been reclassified and re-timed.",
            fields=("case_type", "reason"),
            check=check_reclassify,
            run=_reclassify,
            needs=(OPEN, NOT_AT_STAGE_2),
        ),
        CaseAction(
            name="confirm-type",
            permission=Permission.RECLASSIFY_CASE,
            title="Confirm the type",
            button="Confirm the type",
            done="The case's type has been confirmed.",
            fields=("case_type", "reason"),
            check=check_confirm_type,
            run=_confirm_type,
            needs=(OPEN, FLAGGED, NOT_AT_STAGE_2),
        ),
        CaseAction(
            name="refuse",
            permission=Permission.RECLASSIFY_CASE,
            title="Refuse the complaint",
            button="Refuse the complaint",
            done="The complaint has been refused and the case closed. The customer will be sent "
            "the reason and the Ombudsman's details, and the Corporate Complaints Officer told.",
            fields=("reason",),
            check=required("reason", "Enter why the complaint is not taken further"),
            run=_refuse,
            needs=(OPEN, COMPLAINT, NOT_AT_STAGE_2, NOT_ANSWERED),
        ),
        CaseAction(
            name="stage-2",
            permission=Permission.REQUEST_STAGE_2,
            title="Start a stage 2 review",
            button="Start stage 2",
            done="The complaint is at stage 2. The reviewing officer will be told, and the "
            "customer sent an acknowledgement.",
            fields=("reason", "channel", "officer"),
            check=check_stage_2,
            run=_stage_2,
            needs=(COMPLAINT, NOT_AT_STAGE_2, ANSWERED),
            arguments={"officer_id": "officer"},
        ),
        CaseAction(
            name="decline-stage-2",
            permission=Permission.REQUEST_STAGE_2,
            title="Not a stage 2 request",
            button="Decline stage 2",
            done="The complaint is not taken to stage 2 and is closed. The customer will be sent "
            "the reason and how to go to the Ombudsman.",
            fields=("reason",),
            check=required("reason", "Enter why it is not taken to stage 2"),
            run=_decline_stage_2,
            needs=(OPEN, STAGE_2_TO_DECIDE),
        ),
        CaseAction(
            name="acknowledged",
            permission=Permission.RECORD_ACKNOWLEDGEMENT,
            title="Record an acknowledgement sent by hand",
            button="Record the acknowledgement",
            done="The acknowledgement has been recorded.",
            fields=("how",),
            check=required("how", "Enter how the acknowledgement was sent", 200),
            run=_acknowledged,
            needs=(OPEN, ACKNOWLEDGEMENT_OWED),
        ),
    )
}

# Someone acting for the customer, related cases and duplicates: steps of their own module.
ACTIONS = {**ACTIONS, **{a.name: a for a in RELATION_STEPS}}
# A legal hold placed and lifted: steps of their own module.
ACTIONS = {**ACTIONS, **{a.name: a for a in HOLD_STEPS}}
ACTIONS = {**ACTIONS, **{a.name: a for a in APPOINTMENT_STEPS}}
