"""Cases built to known outcomes, for the report tests: every figure of a report is worked out
by hand from these (the comments say how)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sla_monitor.calendar import LONDON
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Customer,
    Extension,
    FormalResponse,
    OmbudsmanReferral,
    Outcome,
    Pause,
    Stage2,
)
from sla_monitor.policy import parse_policy

# A small policy, so that every clock of every case below is worked out by hand.
TEST_POLICY = parse_policy(
    """
version: "test"
promises:
  - name: acknowledge
    description: Acknowledge within one working day
    kind: acknowledgement
    within: 1
  - name: respond
    description: Respond within five working days
    kind: response
    case_types: [enquiry, service_request, complaint]
    within: 5
    pausable: true
  - name: respond_to_stage_2
    description: Respond to a stage 2 request within 20 working days of acknowledging it
    kind: response
    case_types: [complaint]
    stage: 2
    from: acknowledged
    within: 20
"""
)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def case(
    reference: str,
    case_type: CaseType,
    channel: Channel,
    received_at: datetime,
    department: str | None,
    **changes,
) -> Case:
    built = Case(
        reference=reference,
        case_type=case_type,
        channel=channel,
        received_at=received_at,
        subject="About a service",
        description="What the resident said.",
        customer=Customer(name="A Resident", email="resident@example.org"),
        department=department,
    )
    return replace(built, **changes)


def closed(at: datetime) -> dict:
    return {"status": CaseStatus.CLOSED, "closed_at": at, "responded_at": at}


def response(stage: int, outcome: Outcome, at: datetime, lessons: str | None = None):
    return FormalResponse(
        stage=stage,
        outcome=outcome,
        findings="What we found.",
        recorded_at=at,
        recorded_by="officer",
        lessons_learned=lessons,
    )


# -- November 2026, reported on 15 December 2026 ---------------------------------------------
# Working days: 2-6, 9-13, 16-20, 23-27 and 30 November. "Within N" is due at the end of the
# Nth working day after the day the clocks start.
REPORTED_AT = london(2026, 12, 15, 10, 0)

# A: acknowledged the same day (due 3 Nov), answered 5 Nov (due 9 Nov): both kept on time.
A = case(
    "NWL-2026-000001",
    CaseType.ENQUIRY,
    Channel.EMAIL,
    london(2026, 11, 2, 10, 0),
    "housing",
    acknowledged_at=london(2026, 11, 2, 11, 0),
    **closed(london(2026, 11, 5, 10, 0)),
)
# B: acknowledged 4 Nov (due 3 Nov) and answered 16 Nov (due 9 Nov): both kept late.
B = case(
    "NWL-2026-000002",
    CaseType.ENQUIRY,
    Channel.WEB,
    london(2026, 11, 2, 10, 0),
    "housing",
    acknowledged_at=london(2026, 11, 4, 10, 0),
    **closed(london(2026, 11, 16, 10, 0)),
)
# C: never acknowledged (due 4 Nov) nor answered (due 10 Nov): both breached, still open.
C = case(
    "NWL-2026-000003",
    CaseType.COMPLAINT,
    Channel.TELEPHONE,
    london(2026, 11, 3, 10, 0),
    "waste-services",
)
# D: acknowledged at once; waiting on the customer since, so its response clock is paused: open.
D = case(
    "NWL-2026-000004",
    CaseType.SERVICE_REQUEST,
    Channel.EMAIL,
    london(2026, 11, 30, 16, 0),
    "waste-services",
    acknowledged_at=london(2026, 11, 30, 16, 10),
    status=CaseStatus.WAITING_ON_CUSTOMER,
    pauses=(Pause(paused_at=london(2026, 11, 30, 16, 30), reason="which street?"),),
)
# E: a complaint answered on time at stage 1 (6 Nov, due 9 Nov), taken to stage 2 on 10 Nov,
# acknowledged that day, answered 1 Dec (due 20 working days later, 8 Dec): all kept on time.
E = case(
    "NWL-2026-000005",
    CaseType.COMPLAINT,
    Channel.EMAIL,
    london(2026, 11, 2, 9, 0),
    "housing",
    acknowledged_at=london(2026, 11, 2, 9, 30),
    responded_at=london(2026, 11, 6, 10, 0),
    responses=(
        response(1, Outcome.UPHELD, london(2026, 11, 6, 10, 0)),
        response(2, Outcome.PARTLY_UPHELD, london(2026, 12, 1, 10, 0)),
    ),
    stage_2=Stage2(
        requested_at=london(2026, 11, 10, 10, 0),
        reason="not satisfied",
        channel=Channel.EMAIL,
        stage_1_officer="officer",
        acknowledged_at=london(2026, 11, 10, 11, 0),
        responded_at=london(2026, 12, 1, 10, 0),
    ),
    status=CaseStatus.CLOSED,
    closed_at=london(2026, 12, 1, 10, 0),
)
# October: a compliment acknowledged the same day.
F = case(
    "NWL-2026-000006",
    CaseType.COMPLIMENT,
    Channel.LETTER,
    london(2026, 10, 15, 10, 0),
    "housing",
    acknowledged_at=london(2026, 10, 15, 12, 0),
    **closed(london(2026, 10, 15, 12, 0)),
)
# December: received after the month reported on.
G = case(
    "NWL-2026-000007",
    CaseType.ENQUIRY,
    Channel.EMAIL,
    london(2026, 12, 1, 10, 0),
    "housing",
)
NOVEMBER = (A, B, C, D, E)


# -- 2026 for the annual complaints report (shipped policy), reported on 20 January 2027 -------
ANNUAL_AT = london(2027, 1, 20, 10, 0)

# P: received in 2025, answered in 2026 (5 Jan): late by both the Code (10 working days from
# the acknowledgement on 15 Dec: 31 Dec) and the policy (10 from receipt: the same day).
P = case(
    "NWL-2025-000090",
    CaseType.COMPLAINT,
    Channel.EMAIL,
    london(2025, 12, 15, 10, 0),
    "planning",
    acknowledged_at=london(2025, 12, 15, 11, 0),
    responses=(response(1, Outcome.UPHELD, london(2026, 1, 5, 10, 0), "Check plans twice"),),
    outcome=Outcome.UPHELD,
    **closed(london(2026, 1, 5, 10, 0)),
)
# Q: received Monday 2 March, acknowledged Wednesday 4 March, answered Tuesday 17 March: late by
# the policy (due 16 March, 10 from receipt), within the Code (due 18 March, 10 from the
# acknowledgement).
Q = case(
    "NWL-2026-000010",
    CaseType.COMPLAINT,
    Channel.WEB,
    london(2026, 3, 2, 10, 0),
    "housing",
    acknowledged_at=london(2026, 3, 4, 10, 0),
    responses=(response(1, Outcome.NOT_UPHELD, london(2026, 3, 17, 10, 0)),),
    outcome=Outcome.NOT_UPHELD,
    **closed(london(2026, 3, 17, 10, 0)),
)
# R: received Monday 1 June, extended by 5 working days on 10 June, answered 19 June (due 22
# June by both), partly upheld; stage 2 asked 1 July, acknowledged 2 July, answered 20 August
# (due 30 July by both: late), upheld; taken to the Ombudsman on 1 September.
R = case(
    "NWL-2026-000020",
    CaseType.COMPLAINT,
    Channel.EMAIL,
    london(2026, 6, 1, 10, 0),
    "waste-services",
    acknowledged_at=london(2026, 6, 1, 10, 30),
    responded_at=london(2026, 6, 19, 10, 0),
    extensions=(
        Extension(
            clock="respond_to_complaint",
            working_days=5,
            reason="waiting for the crew's report",
            granted_at=london(2026, 6, 10, 10, 0),
            granted_by="officer",
        ),
    ),
    responses=(
        response(1, Outcome.PARTLY_UPHELD, london(2026, 6, 19, 10, 0), "Brief crews weekly"),
        response(2, Outcome.UPHELD, london(2026, 8, 20, 10, 0), "Supervisor checks repeats"),
    ),
    stage_2=Stage2(
        requested_at=london(2026, 7, 1, 10, 0),
        reason="still missed",
        channel=Channel.EMAIL,
        stage_1_officer="officer",
        acknowledged_at=london(2026, 7, 2, 10, 0),
        responded_at=london(2026, 8, 20, 10, 0),
    ),
    outcome=Outcome.UPHELD,
    status=CaseStatus.CLOSED,
    closed_at=london(2026, 8, 20, 10, 0),
    ombudsman_referral=OmbudsmanReferral(
        referred_at=london(2026, 9, 1, 10, 0), reference="26 012 345", recorded_by="cco"
    ),
)
# S: received 21 December, still open at the report's time.
S = case(
    "NWL-2026-000030",
    CaseType.COMPLAINT,
    Channel.TELEPHONE,
    london(2026, 12, 21, 10, 0),
    "waste-services",
    acknowledged_at=london(2026, 12, 21, 11, 0),
)
# Compliments and comments: two in 2026, one in 2025.
T = case("NWL-2026-000040", CaseType.COMPLIMENT, Channel.EMAIL, london(2026, 5, 5, 10), "housing")
U = case("NWL-2026-000041", CaseType.COMMENT, Channel.WEB, london(2026, 5, 6, 10), "waste-services")
V = case("NWL-2025-000080", CaseType.COMPLIMENT, Channel.EMAIL, london(2025, 11, 1, 10), "housing")
# W: received in 2024, answered then, taken to stage 2 in February 2026, still open.
W = case(
    "NWL-2024-000005",
    CaseType.COMPLAINT,
    Channel.LETTER,
    london(2024, 6, 3, 10, 0),
    "housing",
    acknowledged_at=london(2024, 6, 3, 11, 0),
    responded_at=london(2024, 6, 10, 10, 0),
    responses=(response(1, Outcome.NOT_UPHELD, london(2024, 6, 10, 10, 0)),),
    stage_2=Stage2(
        requested_at=london(2026, 2, 2, 10, 0),
        reason="new evidence",
        channel=Channel.LETTER,
        stage_1_officer="officer",
        acknowledged_at=london(2026, 2, 3, 10, 0),
    ),
)
YEAR_2026 = (P, Q, R, S, T, U, V, W)
