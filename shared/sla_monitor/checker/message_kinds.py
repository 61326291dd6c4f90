"""The kinds of message the checker sends: the template each customer letter is written from,
what each message is called (on the timeline, in staff letters and on residents' pages), and the
job titles of the roles an alert goes to."""

from __future__ import annotations

from sla_monitor.cases import NotificationKind
from sla_monitor.checker.duties import Notice
from sla_monitor.engine import Action
from sla_monitor.policy_terms import Role

# An appointment's confirmation, reminder, delay and cancellation: one letter, by `why`.
APPOINTMENT_LETTER = "customer/appointment"
CUSTOMER_TEMPLATES: dict[Action, str] = {
    Action.ACKNOWLEDGE: "customer/acknowledgement",
    Action.SEND_HOLDING_UPDATE: "customer/holding_update",
    Action.SEND_PROGRESS_UPDATE: "customer/progress_update",
    Action.APOLOGISE_FOR_DELAY: "customer/apology_for_delay",
    Action.TELL_CUSTOMER_OF_REFERRAL: "customer/referred_to_chief_executive",
    Action.REMIND_OF_APPOINTMENT: APPOINTMENT_LETTER,
}
NOTIFICATION_TEMPLATES: dict[NotificationKind, str] = {
    NotificationKind.FORMAL_RESPONSE: "customer/formal_response",
    NotificationKind.CASE_UPDATE: "customer/case_update",
    NotificationKind.COMPLAINT_ACKNOWLEDGEMENT: "customer/acknowledgement",
    NotificationKind.OFFICER_MESSAGE: "customer/officer_message",
    NotificationKind.COMPLAINT_REFUSED: "customer/complaint_refused",
    NotificationKind.REPLY_ACKNOWLEDGEMENT: "customer/reply_acknowledgement",
    NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT: "customer/possible_stage_2_acknowledgement",
    NotificationKind.STAGE_2_DECLINED: "customer/stage_2_declined",
    NotificationKind.APPOINTMENT: APPOINTMENT_LETTER,
}
STAGE_2_ACKNOWLEDGEMENT = "customer/stage_2_acknowledgement"
TITLES: dict[Action | Notice | NotificationKind, str] = {
    Action.ACKNOWLEDGE: "acknowledgement",
    Action.SEND_HOLDING_UPDATE: "holding update",
    Action.SEND_PROGRESS_UPDATE: "progress update",
    Action.WARN_OWNER: "warning before a breach",
    Action.ESCALATE_TO_HEAD_OF_SERVICE: "breach alert",
    Action.REFER_TO_CHIEF_EXECUTIVE: "referral to the Chief Executive",
    Action.PASS_TO_HEAD_OF_SERVICE: "handover to the Head of Service",
    Action.REMIND_OF_REMEDY: "reminder of an action promised",
    Action.CHASE_REMEDY: "action promised not done",
    Action.APOLOGISE_FOR_DELAY: "apology for the delay",
    Action.TELL_CUSTOMER_OF_REFERRAL: "letter on the referral to the Chief Executive",
    Action.REMIND_OF_APPOINTMENT: "appointment reminder",
    Action.TELL_OF_APPOINTMENT_MISSED: "appointment not kept on time",
    Action.WARN_OF_CALL_BACK: "call-back due",
    Action.ESCALATE_CALL_BACK: "call-back missed",
    Notice.PASS_PREFERENCES_TO_OWNER: "customer's requests",
    NotificationKind.FORMAL_RESPONSE: "formal response",
    NotificationKind.CASE_UPDATE: "update on the case",
    NotificationKind.COMPLAINT_ACKNOWLEDGEMENT: "complaint acknowledgement",
    NotificationKind.OFFICER_MESSAGE: "message from the officer",
    NotificationKind.COMPLAINT_REFUSED: "complaint refused",
    NotificationKind.REPLY_ACKNOWLEDGEMENT: "reply acknowledgement",
    NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT: "reply received",
    NotificationKind.STAGE_2_DECLINED: "stage 2 decision",
    NotificationKind.ASSIGNED: "case assigned",
    NotificationKind.DEPARTMENT_HANDOVER: "case moved to the department",
    NotificationKind.CUSTOMER_REPLIED: "customer's reply",
    NotificationKind.POSSIBLE_STAGE_2: "possible stage 2 request",
    NotificationKind.STAGE_2_REQUESTED: "stage 2 review",
    NotificationKind.STAGE_2_DECLINE_RECORDED: "not taken to stage 2",
    NotificationKind.EXTENSION_GRANTED: "extension",
    NotificationKind.RESPONSE_RECORDED: "response recorded",
    NotificationKind.FEEDBACK_RECEIVED: "compliment or comment",
    NotificationKind.FILE_SCANNED: "file scanned for viruses",
    NotificationKind.COMPLAINT_NOT_TAKEN: "complaint refused or downgraded",
    NotificationKind.OWNER_RETIRED: "case of an officer who has left",
    NotificationKind.OWNER_MOVED: "case of an officer who moved department",
    NotificationKind.APPOINTMENT: "appointment",
}

ROLE_TITLES: dict[Role, str] = {
    Role.OWNER: "officer dealing with the case",
    Role.HEAD_OF_SERVICE: "Head of Service",
    Role.CORPORATE_COMPLAINTS_OFFICER: "Corporate Complaints Officer",
    Role.CHIEF_EXECUTIVE: "Chief Executive",
}


def roles_text(roles: tuple[Role, ...], conjunction: str = "and") -> str:
    """`Head of Service and Corporate Complaints Officer`; the owner when no role is named."""
    titles = [ROLE_TITLES[r] for r in roles or (Role.OWNER,)]
    if len(titles) == 1:
        return titles[0]
    return f"{', '.join(titles[:-1])} {conjunction} {titles[-1]}"
