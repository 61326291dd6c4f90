"""A resident's case page says how each appointment went in plain words, and says sorry where
we were late or missed it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sla_monitor.appointments import Appointment, AppointmentKind, AppointmentOutcome, LateNotice
from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseType, Channel
from sla_monitor.directory import default_directory
from sla_monitor.web.your_cases.appointments import resident_appointments

AT = datetime(2027, 1, 14, 10, 30, tzinfo=LONDON)
VISIT = Appointment(
    number=1,
    kind=AppointmentKind.VISIT,
    starts_at=AT,
    minutes=45,
    place="12 High Street",
    officer="housing-officer",
    identification="a badge",
    booked_at=datetime(2027, 1, 11, 11, 0, tzinfo=LONDON),
    booked_by="housing-officer",
)


def shown(appointment: Appointment) -> str:
    case = Case(
        reference="NWL-2027-000001",
        case_type=CaseType.SERVICE_REQUEST,
        channel=Channel.TELEPHONE,
        received_at=AT,
        subject="Damp",
        description="Damp",
        appointments=(appointment,),
    )
    [row] = resident_appointments(case, default_directory(), grace_minutes=10)
    text: str = row["value"]["text"]
    return text


def test_a_booked_visit_says_when_where_and_who():
    assert shown(VISIT) == (
        "Thursday 14 January 2027 at 10:30am, 12 High Street, with Ravi Evans. Booked."
    )


def test_late_and_missed_say_sorry_and_on_time_does_not():
    kept = replace(VISIT, outcome=AppointmentOutcome.KEPT, late_minutes=5)
    late = replace(VISIT, outcome=AppointmentOutcome.KEPT, late_minutes=25)
    missed = replace(VISIT, outcome=AppointmentOutcome.MISSED_BY_US)
    running = replace(VISIT, late_notices=(LateNotice(AT, 20, "housing-officer"),))
    assert shown(kept).endswith("Kept.")
    assert shown(late).endswith("We were 25 minutes late. We are sorry.")
    assert shown(missed).endswith("We missed it. We are sorry.")
    assert shown(running).endswith("We are running late, by about 20 minutes. We are sorry.")
