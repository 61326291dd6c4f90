"""What staff do to a case: log one that came by phone, letter or visit; assign it; pause it while
waiting on the customer; resume it; extend a deadline once; reclassify it; refuse a complaint;
record the formal response; reply to an enquiry or a service request and answer it in one step;
close a case without a letter where the council allows it; take a complaint to stage 2, or
decide a customer is not asking for it; record that it went to the Ombudsman; add a note; book
an appointment, say the officer is running late, cancel it or record how it went; promise a
call-back and record the call.

The CLI and the staff pages call these same use cases, and no rule of the procedure lives
anywhere else. Each reads the case, checks the step fits the case as it stands (a clear
`ActionNotAllowed` otherwise, and nothing changes), applies it, records it on the timeline with
the officer's name, writes on the case the messages the step owes (the outbox the deadline
checker sends from, exactly once), re-times the case, and saves it. A save that raced with
another change is retried on a fresh copy, where the step's checks run again: two officers
acting at once either both land or one is refused, never one silently lost.
"""

from __future__ import annotations

from sla_monitor.lookups import CaseNotFound
from sla_monitor.staff.answering import answer_customer, close_without_letter
from sla_monitor.staff.appointments import (
    book_appointment,
    cancel_appointment,
    record_appointment_outcome,
    say_running_late,
)
from sla_monitor.staff.call_backs import promise_call_back, record_call_back
from sla_monitor.staff.classification import confirm_case_type, reclassify_case, refuse_complaint
from sla_monitor.staff.clocks import extend_deadline, resume_clocks, wait_for_customer
from sla_monitor.staff.conversation import add_note, reply_to_customer
from sla_monitor.staff.new_cases import log_case
from sla_monitor.staff.ombudsman import record_ombudsman_decision, record_ombudsman_referral
from sla_monitor.staff.owners import assign_case
from sla_monitor.staff.responses import (
    record_acknowledgement_sent,
    record_remedy_done,
    record_response,
)
from sla_monitor.staff.stage_2 import decline_stage_2, request_stage_2
from sla_monitor.staff.steps import ActionNotAllowed, change_case

__all__ = [
    "ActionNotAllowed",
    "CaseNotFound",
    "add_note",
    "answer_customer",
    "assign_case",
    "book_appointment",
    "cancel_appointment",
    "change_case",
    "close_without_letter",
    "confirm_case_type",
    "decline_stage_2",
    "extend_deadline",
    "log_case",
    "promise_call_back",
    "reclassify_case",
    "record_acknowledgement_sent",
    "record_appointment_outcome",
    "record_call_back",
    "record_ombudsman_decision",
    "record_ombudsman_referral",
    "record_remedy_done",
    "record_response",
    "refuse_complaint",
    "reply_to_customer",
    "request_stage_2",
    "resume_clocks",
    "say_running_late",
    "wait_for_customer",
]
