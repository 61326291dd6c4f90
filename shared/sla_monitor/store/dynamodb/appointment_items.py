"""Appointments and call-backs as the case item keeps them: their attribute maps, and the
conversion to and from the domain's `Appointment` and `CallBack` (`sla_monitor.appointments`)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from sla_monitor.appointments import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    CallBack,
    LateNotice,
)


class LateNoticeMap(MapAttribute):
    said_at = UTCDateTimeAttribute()
    minutes = NumberAttribute()
    said_by = UnicodeAttribute()


class AppointmentMap(MapAttribute):
    number = NumberAttribute()
    kind = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    minutes = NumberAttribute()
    place = UnicodeAttribute()
    officer = UnicodeAttribute()
    identification = UnicodeAttribute()
    booked_at = UTCDateTimeAttribute()
    booked_by = UnicodeAttribute()
    private_room = BooleanAttribute(default=False)
    late_notices = ListAttribute(of=LateNoticeMap, null=True)
    outcome = UnicodeAttribute(null=True)
    late_minutes = NumberAttribute(default=0)
    outcome_at = UTCDateTimeAttribute(null=True)
    outcome_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    with_notice = BooleanAttribute(default=False)
    rebooked_as = NumberAttribute(null=True)
    rebooks = NumberAttribute(null=True)


class CallBackMap(MapAttribute):
    number = NumberAttribute()
    by = UTCDateTimeAttribute()
    promised_at = UTCDateTimeAttribute()
    promised_by = UnicodeAttribute()
    about = UnicodeAttribute(default="")
    called_at = UTCDateTimeAttribute(null=True)
    called_by = UnicodeAttribute(null=True)
    call_note = UnicodeAttribute(null=True)


def appointment_maps(appointments: tuple[Appointment, ...]) -> list[dict[str, Any]] | None:
    return [
        {
            "number": a.number,
            "kind": a.kind.value,
            "starts_at": a.starts_at,
            "minutes": a.minutes,
            "place": a.place,
            "officer": a.officer,
            "identification": a.identification,
            "booked_at": a.booked_at,
            "booked_by": a.booked_by,
            "private_room": a.private_room,
            "late_notices": [
                {"said_at": n.said_at, "minutes": n.minutes, "said_by": n.said_by}
                for n in a.late_notices
            ]
            or None,
            "outcome": a.outcome.value if a.outcome else None,
            "late_minutes": a.late_minutes,
            "outcome_at": a.outcome_at,
            "outcome_by": a.outcome_by,
            "reason": a.reason,
            "with_notice": a.with_notice,
            "rebooked_as": a.rebooked_as,
            "rebooks": a.rebooks,
        }
        for a in appointments
    ] or None


def appointments_of(stored: Any) -> tuple[Appointment, ...]:
    return tuple(
        Appointment(
            number=int(a.number),
            kind=AppointmentKind(a.kind),
            starts_at=a.starts_at,
            minutes=int(a.minutes),
            place=a.place,
            officer=a.officer,
            identification=a.identification,
            booked_at=a.booked_at,
            booked_by=a.booked_by,
            private_room=bool(a.private_room),
            late_notices=tuple(
                LateNotice(said_at=n.said_at, minutes=int(n.minutes), said_by=n.said_by)
                for n in a.late_notices or ()
            ),
            outcome=AppointmentOutcome(a.outcome) if a.outcome else None,
            late_minutes=int(a.late_minutes or 0),
            outcome_at=a.outcome_at,
            outcome_by=a.outcome_by,
            reason=a.reason,
            with_notice=bool(a.with_notice),
            rebooked_as=int(a.rebooked_as) if a.rebooked_as is not None else None,
            rebooks=int(a.rebooks) if a.rebooks is not None else None,
        )
        for a in stored or ()
    )


def call_back_maps(call_backs: tuple[CallBack, ...]) -> list[dict[str, Any]] | None:
    return [
        {
            "number": c.number,
            "by": c.by,
            "promised_at": c.promised_at,
            "promised_by": c.promised_by,
            "about": c.about,
            "called_at": c.called_at,
            "called_by": c.called_by,
            "call_note": c.call_note,
        }
        for c in call_backs
    ] or None


def call_backs_of(stored: Any) -> tuple[CallBack, ...]:
    return tuple(
        CallBack(
            number=int(c.number),
            by=c.by,
            promised_at=c.promised_at,
            promised_by=c.promised_by,
            about=c.about or "",
            called_at=c.called_at,
            called_by=c.called_by,
            call_note=c.call_note,
        )
        for c in stored or ()
    )
