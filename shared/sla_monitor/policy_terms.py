"""The terms a policy is written in: the kinds of promise, where a clock starts, and the roles a
promise escalates to. Plain enumerations, loaded without the policy's validation
(`policy.py` reads and checks a policy file), so the engine and the directory can name them
without building the policy's models."""

from __future__ import annotations

import enum


class PromiseKind(enum.StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    RESPONSE = "response"
    PROGRESS_UPDATE = "progress_update"
    ESCALATION = "escalation"
    HANDOVER = "handover"
    # A time the council gave the customer (an appointment), kept when the officer is there
    # within `late_after_minutes` of its start; one clock per appointment on the case.
    APPOINTMENT = "appointment"
    # A call-back promised by a time (`case log --callback-by`); one clock per call-back.
    CALL_BACK = "call_back"
    # Not written in a policy: the date a holding update gave the customer, kept as a clock.
    PROMISED_DATE = "promised_date"
    # Not written in a policy: an action a formal response promised by a date (`Case.remedies`).
    REMEDY = "remedy"


class Role(enum.StrEnum):
    OWNER = "owner"
    HEAD_OF_SERVICE = "head_of_service"
    CORPORATE_COMPLAINTS_OFFICER = "corporate_complaints_officer"
    CHIEF_EXECUTIVE = "chief_executive"


class StartsFrom(enum.StrEnum):
    RECEIVED = "received"
    # The national Complaint Handling Code counts the response from the acknowledgement.
    ACKNOWLEDGED = "acknowledged"
