"""The staff side of the local stack: a Cognito user pool in moto set up as the template sets up
the council's (the five role groups, an app client, the officer id attribute), one sample user
per role, casework in several states, each reached through the staff use cases and the
deadline checker as it would be in production, and a few messages email intake set aside.

For a person's own computer only: the sample users share one password, made at random for each
run and printed on start, and the pool asks for no second factor (the deployed pool does). The app
client lets a person read and write the same attributes as the template's: nobody changes their
own officer id.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from typing import Any

from sla_monitor import staff
from sla_monitor.cases import CaseType, Channel, Customer, Outcome, Preferences
from sla_monitor.checker.wiring import run_schedule
from sla_monitor.intake import NewCase, register_case
from sla_monitor.mail.classification import load_classification_rules
from sla_monitor.mail.events import delivery_for_object
from sla_monitor.mail.receive import mail_intake, take_in_delivery
from sla_monitor.runtime import Services
from sla_monitor.settings.pieces import MailSettings
from sla_monitor.web.staff.permissions import StaffRole

POOL_NAME = "sla-monitor-staff"
CLIENT_NAME = "staff-workspace"
OFFICER_ID_ATTRIBUTE = "officer_id"
# What the app client lets a signed-in person read and change of their own account, as
# template.yaml's StaffUserPoolClient has it (a test compares them): never their officer id.
READ_ATTRIBUTES = ("email", "email_verified", "name", f"custom:{OFFICER_ID_ATTRIBUTE}")
WRITE_ATTRIBUTES = ("name",)


@functools.cache
def local_password() -> str:
    """The sample users' password for this run: random, printed on start, never published."""
    return f"Local-{secrets.token_urlsafe(12)}-9a!"


@dataclass(frozen=True)
class StaffPool:
    user_pool_id: str
    client_id: str


@dataclass(frozen=True)
class SampleUser:
    email: str
    role: StaffRole
    officer_id: str

    def as_json(self) -> dict[str, str]:
        return {
            "email": self.email,
            "password": local_password(),
            "role": self.role.value,
            "officer_id": self.officer_id,
        }


# One person per role, officers of the starting directory (config/directory.yaml).
SAMPLE_USERS = (
    SampleUser("jo.patel@nwleicestershire.gov.uk", StaffRole.OFFICER, "waste-officer"),
    SampleUser("head.housing@nwleicestershire.gov.uk", StaffRole.HEAD_OF_SERVICE, "head-housing"),
    SampleUser(
        "complaints@nwleicestershire.gov.uk",
        StaffRole.CORPORATE_COMPLAINTS_OFFICER,
        "complaints-officer",
    ),
    SampleUser(
        "chief.executive@nwleicestershire.gov.uk", StaffRole.CHIEF_EXECUTIVE, "chief-executive"
    ),
    SampleUser("it.administrator@nwleicestershire.gov.uk", StaffRole.ADMINISTRATOR, "it-admin"),
)


def create_staff_pool(cognito: Any) -> StaffPool:
    """The pool, its groups and its app client, as template.yaml has them (less the managed
    sign-in, which moto does not serve, and the second factor)."""
    pool = cognito.create_user_pool(
        PoolName=POOL_NAME,
        UsernameAttributes=["email"],
        MfaConfiguration="OFF",
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Schema=[
            {
                "Name": OFFICER_ID_ATTRIBUTE,
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
            }
        ],
    )["UserPool"]
    for role in StaffRole:
        cognito.create_group(GroupName=role.value, UserPoolId=pool["Id"], Description=role.label)
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=list(READ_ATTRIBUTES),
        WriteAttributes=list(WRITE_ATTRIBUTES),
    )["UserPoolClient"]
    return StaffPool(user_pool_id=pool["Id"], client_id=client["ClientId"])


def add_staff_user(
    cognito: Any, pool: StaffPool, *, email: str, role: StaffRole, officer_id: str, password: str
) -> None:
    """A confirmed user with a permanent password, in the group of their role."""
    cognito.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": f"custom:{OFFICER_ID_ATTRIBUTE}", "Value": officer_id},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=email, Password=password, Permanent=True
    )
    cognito.admin_add_user_to_group(
        UserPoolId=pool.user_pool_id, Username=email, GroupName=role.value
    )


def add_sample_users(cognito: Any, pool: StaffPool) -> tuple[SampleUser, ...]:
    for user in SAMPLE_USERS:
        add_staff_user(
            cognito,
            pool,
            email=user.email,
            role=user.role,
            officer_id=user.officer_id,
            password=local_password(),
        )
    return SAMPLE_USERS


# -- casework in several states ---------------------------------------------------------------


@dataclass(frozen=True)
class _Sample:
    key: str
    case_type: CaseType
    channel: Channel
    department: str
    working_days_ago: int
    subject: str
    name: str
    email: str


_SAMPLES = (
    _Sample(
        "bins", CaseType.COMPLAINT, Channel.EMAIL, "waste-services", 12,
        "Bins not collected three weeks running", "Margaret Hill", "margaret.hill@example.org",
    ),
    _Sample(
        "garden", CaseType.SERVICE_REQUEST, Channel.WEB, "waste-services", 3,
        "Garden waste bin not emptied on Tuesday", "Daniel Okafor", "daniel.okafor@example.org",
    ),
    _Sample(
        "bulky", CaseType.ENQUIRY, Channel.EMAIL, "waste-services", 5,
        "How do I book a bulky waste collection?", "Priya Shah", "priya.shah@example.org",
    ),
    _Sample(
        "damp", CaseType.COMPLAINT, Channel.WEB, "housing", 4,
        "Damp in my flat still not repaired", "Tom Williams", "tom.williams@example.org",
    ),
    _Sample(
        "repairs", CaseType.COMPLAINT, Channel.EMAIL, "housing", 30,
        "Repair appointment missed twice", "Aisha Khan", "aisha.khan@example.org",
    ),
    _Sample(
        "council-tax", CaseType.COMPLAINT, Channel.EMAIL, "revenues-benefits", 24,
        "Council tax bill wrong again", "Gary Lowe", "gary.lowe@example.org",
    ),
    _Sample(
        "fence", CaseType.COMPLAINT, Channel.EMAIL, "waste-services", 40,
        "Garden fence damaged by the bin lorry", "Priya Shah", "priya.shah@example.org",
    ),
)  # fmt: skip


def _set_aside_samples(
    references: dict[str, str], council_address: str
) -> list[tuple[str, int, EmailMessage]]:
    """(token, working days ago, message): a resident's complaint SES wrongly marked as spam,
    an out-of-office reply to an acknowledgement, and a bounce."""
    complaint = EmailMessage()
    complaint["From"] = "Helen Carter <helen.carter@example.org>"
    complaint["To"] = council_address
    complaint["Subject"] = "Street lights out on Ashby Road for two weeks"
    complaint["Message-ID"] = "<local-sample-spam-0001@example.org>"
    # SES's verdict, as its S3 action leaves it on the stored message.
    complaint["X-SES-Spam-Verdict"] = "FAIL"
    complaint.set_content(
        "I reported the street lights on Ashby Road as broken two weeks ago and nobody has "
        "come. Nobody called me back as promised either. It is dark and unsafe on the way home "
        "from the bus stop.\n\nHelen Carter\n12 Ashby Road"
    )
    away = EmailMessage()
    away["From"] = "Margaret Hill <margaret.hill@example.org>"
    away["To"] = council_address
    away["Subject"] = f"Automatic reply: your complaint {references.get('bins', '')}".strip()
    away["Message-ID"] = "<local-sample-ooo-0001@example.org>"
    away["Auto-Submitted"] = "auto-replied"
    away.set_content("I am away until Monday with no access to email.")
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@example.net>"
    bounce["To"] = council_address
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<local-sample-bounce-0001@example.net>"
    bounce.set_content("This is the mail system. Your message could not be delivered.")
    return [
        ("local-sample-spam-0001", 1, complaint),
        ("local-sample-ooo-0001", 2, away),
        ("local-sample-bounce-0001", 3, bounce),
    ]


def seed_set_aside_mail(bundle: Services, now: datetime, references: dict[str, str]) -> None:
    """A few messages taken in by email intake, as SES would deliver them, that it sets aside
    for staff to look at."""
    settings = MailSettings()
    intake = mail_intake(bundle, settings, load_classification_rules())
    calendar = bundle.calendar
    s3 = bundle.client("s3")
    for token, days_ago, message in _set_aside_samples(references, bundle.settings.sender_address):
        day = calendar.subtract_working_days(calendar.local(now).date(), days_ago)
        received = min(now, calendar.at(day, time(8, 40)))
        key = f"{settings.raw_mail_prefix}{token}"
        s3.put_object(Bucket=bundle.settings.raw_mail_bucket, Key=key, Body=message.as_bytes())
        delivery = delivery_for_object(
            bundle.settings.raw_mail_bucket,
            key,
            prefix=settings.raw_mail_prefix,
            received_at=received,
        )
        take_in_delivery(delivery, intake=intake, now=received)


def seed_casework(bundle: Services, now: datetime) -> dict[str, str]:
    """Cases in the states staff meet, played in time order through the staff use cases, with
    the deadline checker sweeping after each step as the schedule would: a breached complaint,
    a request and an enquiry for the waste officer, a complaint waiting on the customer, one at
    stage 2, one referred to the Chief Executive, and one answered and closed a while ago (the
    same customer's as the enquiry). Returns each sample's reference."""
    calendar = bundle.calendar
    today = calendar.local(now).date()
    if not calendar.is_working_day(today):
        today = calendar.previous_working_day(today)

    def day(working_days_ago: int, hour: int = 10) -> datetime:
        when = calendar.at(calendar.subtract_working_days(today, working_days_ago), time(hour, 0))
        return min(when, now)

    work: dict[str, Any] = {"store": bundle.store, "policy": bundle.policy, "calendar": calendar}
    references: dict[str, str] = {}
    steps: list[tuple[datetime, Callable[[datetime], None]]] = []

    for number, sample in enumerate(_SAMPLES, start=1):
        received = day(sample.working_days_ago, 9) + timedelta(minutes=7 * number)

        def register(at: datetime, sample: _Sample = sample) -> None:
            registration = register_case(
                NewCase(
                    case_type=sample.case_type,
                    channel=sample.channel,
                    received_at=at,
                    subject=sample.subject,
                    description=sample.subject,
                    customer=Customer(name=sample.name, email=sample.email),
                    preferences=Preferences(),
                    department=sample.department,
                    idempotency_key=f"local-staff-sample-{sample.key}",
                ),
                now=at,
                **work,
            )
            references[sample.key] = registration.case.reference

        steps.append((received, register))

    def assign(key: str, officer: str, by: str) -> Callable[[datetime], None]:
        def step(at: datetime) -> None:
            staff.assign_case(
                references[key],
                officer_id=officer,
                department=None,
                by=by,
                directory=bundle.directory,
                now=at,
                **work,
            )

        return step

    def pause(at: datetime) -> None:
        staff.wait_for_customer(
            references["damp"],
            reason="Photos of the damp in each room, so the surveyor can plan the repair",
            by="housing-officer",
            now=at,
            **work,
        )

    def respond(key: str, by: str, **response: Any) -> Callable[[datetime], None]:
        def step(at: datetime) -> None:
            staff.record_response(references[key], by=by, now=at, **response, **work)

        return step

    def stage_2(at: datetime) -> None:
        staff.request_stage_2(
            references["repairs"],
            reason="The customer says the second appointment was not rearranged either.",
            channel=Channel.TELEPHONE,
            by="complaints-officer",
            directory=bundle.directory,
            now=at,
            **work,
        )

    def note(at: datetime) -> None:
        staff.add_note(
            references["council-tax"],
            text="Waiting for the revenues system supplier to explain the billing error.",
            by="revenues-officer",
            now=at,
            **work,
        )

    steps += [
        (day(39, 11), assign("fence", "waste-officer", "head-waste-services")),
        (
            day(34, 15),
            respond(
                "fence",
                "waste-officer",
                outcome=Outcome.UPHELD,
                summary="The crew confirmed the lorry clipped the fence post while reversing.",
                apology="We are sorry our crew damaged your fence.",
                remedy="Our contractor has replaced the fence post.",
            ),
        ),
        (day(11, 11), assign("bins", "waste-officer", "head-waste-services")),
        (day(2, 11), assign("garden", "waste-officer", "head-waste-services")),
        (day(4, 14), assign("bulky", "waste-officer", "head-waste-services")),
        (day(3, 11), assign("damp", "housing-officer", "head-housing")),
        (day(2, 15), pause),
        (day(29, 11), assign("repairs", "housing-officer", "head-housing")),
        (
            day(21, 15),
            respond(
                "repairs",
                "housing-officer",
                outcome=Outcome.PARTLY_UPHELD,
                summary=(
                    "The first appointment was missed; the second was rearranged with notice."
                ),
                apology="We are sorry the first appointment was missed.",
            ),
        ),
        (day(18, 11), stage_2),
        (day(23, 11), assign("council-tax", "revenues-officer", "head-revenues-benefits")),
        (day(15, 16), note),
    ]
    for at, step in sorted(steps, key=lambda s: s[0]):
        step(at)
        # What the schedule would have done a few minutes later: acknowledgements, handovers,
        # warnings, escalations and referrals, in office hours where they are for staff.
        run_schedule(bundle, at + timedelta(minutes=5))
    run_schedule(bundle, day(0, 10))
    run_schedule(bundle, now)
    return references
