"""A month of a district council's casework over Christmas and New Year, as a script.

Residents write in by email and through the Have Your Say form; staff assign, pause, extend and
answer; the deadline checker runs throughout. Cases are named by a label here because their
references are only given when intake stores them. The people are made up; their addresses use
the example domains reserved for documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sla_monitor.calendar import LONDON


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    year = 2027 if month == 1 else 2026
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


START = at(12, 14, 0)
END = at(1, 16, 0)


@dataclass(frozen=True)
class Email:
    """An email arriving at the council's address."""

    at: datetime
    label: str
    sender: str
    subject: str
    body: str
    style: str = "plain"  # plain | html | auto_reply | bounce | spam
    # Reply to the acknowledgement this case was sent (threads by In-Reply-To).
    replying_to: str | None = None
    # Quote this case's reference in the subject instead.
    quoting: str | None = None


@dataclass(frozen=True)
class FormSubmission:
    """A resident sending the Have Your Say form."""

    at: datetime
    label: str
    answers: dict[str, str]


@dataclass(frozen=True)
class StaffAction:
    """An officer doing something to a case."""

    at: datetime
    label: str
    # assign | pause | extend | respond | acknowledged | log | stage_2 | reclassify | note |
    # book | late | appointment_outcome
    action: str
    by: str
    details: dict[str, str] = field(default_factory=dict)


Step = Email | FormSubmission | StaffAction

RESIDENTS = {
    "hill": "Margaret Hill <margaret.hill@example.org>",
    "okafor": "Daniel Okafor <d.okafor@example.net>",
    "patel": "Priya Patel <priya.patel@example.com>",
    "jones": "Gareth Jones <gareth.jones@example.org>",
    "brown": "Sam Brown <sam.brown@example.net>",
    "walker": "Helen Walker <helen.walker@example.com>",
}

SCRIPT: tuple[Step, ...] = (
    Email(
        at(12, 14, 9, 12),
        "missed-bins",
        RESIDENTS["hill"],
        "Complaint - bin not collected for the third week",
        "I wish to make a formal complaint. Our green bin on Meadow Lane, Coalville has not been "
        "collected for the third week running, although I reported it twice and was told it "
        "would be sorted. Nobody has done what they said they would do.\n\nMargaret Hill\n"
        "14 Meadow Lane, Coalville",
    ),
    FormSubmission(
        at(12, 14, 11, 40),
        "council-tax-dates",
        {
            "about": "enquiry",
            "department": "revenues-benefits",
            "details": "When are the council tax instalments due after I move house in January?",
            "contact_method": "email",
            "name": "Daniel Okafor",
            "email": "d.okafor@example.net",
        },
    ),
    StaffAction(
        at(12, 15, 10, 0),
        "missed-bins",
        "assign",
        "complaints-officer",
        {"officer": "head-waste-services", "department": "waste-services"},
    ),
    StaffAction(
        at(12, 16, 9, 15),
        "missed-bins",
        "assign",
        "head-waste-services",
        {"officer": "waste-officer"},
    ),
    # A home visit booked, reminded of the day before, and kept on time.
    StaffAction(
        at(12, 16, 9, 30),
        "missed-bins",
        "book",
        "waste-officer",
        {
            "kind": "visit",
            "at": "2026-12-17T10:00",
            "minutes": "30",
            "place": "14 Meadow Lane, Coalville",
        },
    ),
    StaffAction(
        at(12, 17, 10, 40),
        "missed-bins",
        "appointment_outcome",
        "waste-officer",
        {"outcome": "kept", "late_minutes": "5"},
    ),
    Email(
        at(12, 15, 8, 30),
        "planning-question",
        RESIDENTS["patel"],
        "Question about planning application 26/01234/FUL",
        "Could you tell me when the decision on the extension at 3 Church Street is expected, "
        "and whether neighbours will be consulted?\n\nPriya Patel",
    ),
    Email(
        at(12, 15, 19, 45),
        "out-of-office",
        "Alex Reed <alex.reed@example.com>",
        "Automatic reply: Your enquiry",
        "I am out of the office until Monday with limited access to email.",
        style="auto_reply",
    ),
    StaffAction(
        at(12, 16, 11, 0),
        "council-tax-dates",
        "respond",
        "head-revenues-benefits",
        {"summary": "Instalment dates explained", "outcome": "answered"},
    ),
    Email(
        at(12, 16, 10, 5),
        "bounce",
        "Mail Delivery System <MAILER-DAEMON@example.net>",
        "Undelivered Mail Returned to Sender",
        "This is the mail system at host mx.example.net. Your message could not be delivered.",
        style="bounce",
    ),
    Email(
        at(12, 16, 14, 20),
        "noisy-neighbour",
        RESIDENTS["jones"],
        "Noisy neighbour every night",
        "My neighbour plays loud music until 3am most nights. Can someone please help?\n\n"
        "Gareth Jones, 22 Station Road, Ashby",
    ),
    StaffAction(
        at(12, 17, 9, 30),
        "noisy-neighbour",
        "assign",
        "head-customer-services",
        {"officer": "head-environmental-health", "department": "environmental-health"},
    ),
    StaffAction(
        at(12, 17, 10, 0),
        "noisy-neighbour",
        "pause",
        "head-environmental-health",
        {"reason": "asked the resident to keep a noise diary for a week"},
    ),
    FormSubmission(
        at(12, 17, 13, 0),
        "housing-repair",
        {
            "about": "complaint",
            "department": "housing",
            "details": "The council promised to fix the damp in my flat in October and nobody "
            "has come. My daughter has asthma and the mould is getting worse.",
            "contact_method": "letter",
            "name": "Helen Walker",
            "email": "helen.walker@example.com",
            "phone": "01530 000123",
            "address": "Flat 2, 9 Bridge Road, Coalville, LE67 1AA",
            "accessible_format": "large_print",
        },
    ),
    StaffAction(
        at(12, 17, 15, 0),
        "housing-repair",
        "assign",
        "complaints-officer",
        {"officer": "head-housing", "department": "housing"},
    ),
    StaffAction(
        at(12, 18, 10, 0),
        "housing-repair",
        "acknowledged",
        "head-housing",
        {"how": "a large-print letter"},
    ),
    Email(
        at(12, 14, 16, 55),
        "rude-officer",
        RESIDENTS["brown"],
        "Complaint about how I was treated at the planning counter",
        "I want to complain. The officer I spoke to on Thursday was rude and unfair, and did "
        "not let me explain my application.\n\nSam Brown",
    ),
    Email(
        at(12, 21, 8, 5),
        "missed-bins-reply",
        RESIDENTS["hill"],
        "Re: your complaint",
        "Thank you. The bin is out again this morning if someone can come today.\n\nMargaret",
        replying_to="missed-bins",
    ),
    Email(
        at(12, 21, 9, 50),
        "noise-diary",
        RESIDENTS["jones"],
        "Noise diary",
        "Here is the diary you asked for: loud music on Monday, Tuesday and Thursday after "
        "midnight.",
        quoting="noisy-neighbour",
    ),
    # A meeting at the offices: the officer runs 25 minutes late and the resident is told at once.
    StaffAction(
        at(12, 21, 11, 0),
        "noisy-neighbour",
        "book",
        "head-environmental-health",
        {
            "kind": "office",
            "at": "2026-12-23T14:00",
            "minutes": "45",
            "place": "Council Offices, Whitwick Road, Coalville",
            "private_room": "yes",
        },
    ),
    StaffAction(
        at(12, 23, 13, 50),
        "noisy-neighbour",
        "late",
        "head-environmental-health",
        {"minutes": "25"},
    ),
    StaffAction(
        at(12, 23, 15, 10),
        "noisy-neighbour",
        "appointment_outcome",
        "head-environmental-health",
        {"outcome": "kept", "late_minutes": "25"},
    ),
    StaffAction(
        at(12, 24, 12, 0),
        "noisy-neighbour",
        "respond",
        "head-environmental-health",
        {"summary": "Warning letter sent to the neighbour", "outcome": "answered"},
    ),
    StaffAction(
        at(12, 22, 15, 0),
        "missed-bins",
        "respond",
        "waste-officer",
        {
            "outcome": "upheld",
            "summary": "The crew's round sheet did not show Meadow Lane after the route changed "
            "in November, so your bin was missed three weeks running, and the reports you made "
            "were logged but not passed to the crew.",
            "apology": "We are sorry that we did not do what we told you we would, twice.",
            "remedy": "Your bin was collected on 21 December, and Meadow Lane is back on the "
            "round sheet.",
            "lessons": "Missed-bin reports now go to the crew supervisor the same day, and a "
            "second report on one street is checked by a supervisor.",
        },
    ),
    Email(
        at(1, 5, 10, 20),
        "missed-bins-not-satisfied",
        RESIDENTS["hill"],
        "Re: our response to your complaint",
        "Thank you for your letter, but I am not satisfied. The bin was missed again on New "
        "Year's Eve, so nothing has changed, and nobody has said what I am owed for three weeks "
        "of overflowing rubbish. Please look at my complaint again.\n\nMargaret Hill",
        replying_to="missed-bins",
    ),
    # Her email asks for the complaint to be looked at again: it goes to stage 2 as it arrives,
    # reviewed by the Corporate Complaints Officer (the Head of Waste Services dealt with
    # stage 1).
    StaffAction(
        at(1, 14, 11, 0),
        "missed-bins",
        "respond",
        "complaints-officer",
        {
            "outcome": "partly_upheld",
            "summary": "We reviewed the stage 1 response, the crew's records and the tracking "
            "data. The collection on 31 December was missed because of the bank holiday "
            "timetable, which was published but not sent to Meadow Lane. The stage 1 response "
            "was right about the cause of the earlier missed collections.",
            "apology": "We are sorry that the bank holiday change was not explained to you.",
            "remedy": "A refund of the garden waste charge for the three missed weeks.",
            "remedy_action": "pay a refund of £13.50 for the three missed garden waste collections",
            "remedy_by": "2027-01-29",
            "lessons": "Bank holiday collection changes are now sent to every household on a "
            "changed round, not only published online.",
        },
    ),
    StaffAction(
        at(12, 29, 10, 0),
        "planning-question",
        "respond",
        "head-planning",
        {"summary": "Decision date and how to comment explained", "outcome": "answered"},
    ),
    StaffAction(
        at(1, 4, 11, 0),
        "housing-repair",
        "extend",
        "head-housing",
        {
            "promise": "respond_to_complaint",
            "working_days": "10",
            "reason": "we are waiting for the damp specialist's report",
        },
    ),
    Email(
        at(12, 24, 18, 30),
        "christmas-bins",
        RESIDENTS["okafor"],
        "Bin collections over Christmas",
        "Which day will my black bin be collected in Christmas week?",
    ),
    FormSubmission(
        at(12, 28, 10, 0),
        "thank-you",
        {
            "about": "compliment",
            "department": "waste-services",
            "details": "The crew on Ashby Road worked through the snow. Thank you!",
            "contact_method": "email",
            "name": "Priya Patel",
            "email": "priya.patel@example.com",
        },
    ),
    StaffAction(
        at(12, 30, 10, 30),
        "christmas-bins",
        "respond",
        "head-waste-services",
        {"summary": "Christmas collection calendar sent", "outcome": "answered"},
    ),
    FormSubmission(
        at(1, 4, 9, 30),
        "welsh-enquiry",
        {
            "about": "enquiry",
            "details": "Oes modd cael ffurflen gais am drwydded bysgota yn Gymraeg?",
            "contact_method": "email",
            "name": "Gareth Jones",
            "email": "gareth.jones@example.org",
            "language": "cy",
        },
    ),
    Email(
        at(1, 5, 11, 0),
        "park-comment",
        RESIDENTS["walker"],
        "A suggestion for the park",
        "<p>It would be lovely to have <b>more benches</b> near the pond in the park.</p>",
        style="html",
    ),
    StaffAction(
        at(1, 6, 10, 0),
        "phone-complaint",
        "log",
        "head-customer-services",
        {
            "about": "complaint",
            "channel": "telephone",
            "department": "revenues-benefits",
            "details": "Caller says a council tax refund promised in November never arrived.",
            "name": "Mr R Singh",
            "address": "5 Forest Road, Coalville, LE67 2BB",
            # Promised a call back that afternoon, which nobody makes: escalated.
            "callback_by": "2027-01-06T15:00",
        },
    ),
    StaffAction(
        at(1, 7, 11, 0),
        "phone-complaint",
        "acknowledged",
        "head-revenues-benefits",
        {"how": "post"},
    ),
    Email(
        at(1, 6, 8, 40),
        "recycling-again",
        RESIDENTS["okafor"],
        "Recycling not collected",
        # Read alone it is a first report; the council's own records show it is not.
        "My recycling was not collected on Monday. Could someone come back for it?\n\n"
        "Daniel Okafor, 8 Forest Road, Coalville",
    ),
    StaffAction(
        at(1, 6, 10, 30),
        "recycling-again",
        "reclassify",
        "head-waste-services",
        {
            "type": "complaint",
            "reason": "our records show the third missed collection since November, after we "
            "said it would be sorted",
        },
    ),
    StaffAction(
        at(1, 6, 10, 35),
        "recycling-again",
        "assign",
        "head-waste-services",
        {"officer": "waste-officer", "department": "waste-services"},
    ),
    Email(
        at(1, 7, 3, 14),
        "spam",
        "Prize Desk <winner@example.com>",
        "You have won",
        "Claim your prize now.",
        style="spam",
    ),
    StaffAction(
        at(1, 14, 14, 0),
        "housing-repair",
        "respond",
        "head-housing",
        {"summary": "Damp treatment booked; apology and compensation", "outcome": "upheld"},
    ),
    StaffAction(
        at(1, 7, 16, 0),
        "welsh-enquiry",
        "respond",
        "head-customer-services",
        {"summary": "Welsh application form sent", "outcome": "answered"},
    ),
)
