from dataclasses import replace
from datetime import date

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel, Extension, Pause
from sla_monitor.engine import Action, ClockState, evaluate, next_due_instant
from sla_monitor.policy import parse_policy
from sla_monitor.policy_terms import Role

from .builders import a_case, london, sent


def owed_actions(evaluation):
    return {a.action for a in evaluation.owed}


class TestAcknowledgement:
    def test_one_acknowledgement_is_owed_at_once_and_meets_the_strictest_promise(
        self, policy, calendar
    ):
        case = a_case()  # a complaint by email: one working day (email) and two (complaint)
        result = evaluate(case, policy, calendar, london(2026, 12, 23, 10, 5))
        acks = [a for a in result.owed if a.action is Action.ACKNOWLEDGE]
        assert len(acks) == 1
        assert acks[0].promise == "acknowledge_email"
        assert acks[0].due == calendar.end_of_day(date(2026, 12, 24))
        assert result.clock("acknowledge_email").due_day == date(2026, 12, 24)
        assert result.clock("acknowledge_complaint").due_day == date(2026, 12, 29)

    def test_once_sent_it_is_no_longer_owed(self, policy, calendar):
        case = sent(a_case(), "acknowledge", london(2026, 12, 23, 10, 5))
        result = evaluate(case, policy, calendar, london(2026, 12, 23, 10, 10))
        assert Action.ACKNOWLEDGE not in owed_actions(result)

    def test_acknowledged_on_time_is_met_and_late_is_breached(self, policy, calendar):
        on_time = a_case(acknowledged_at=london(2026, 12, 24, 9, 0))
        late = a_case(acknowledged_at=london(2026, 12, 29, 9, 0))
        now = london(2027, 1, 4, 9, 0)
        assert evaluate(on_time, policy, calendar, now).clock("acknowledge_email").state is (
            ClockState.MET
        )
        late_result = evaluate(late, policy, calendar, now)
        assert late_result.clock("acknowledge_email").state is ClockState.BREACHED
        assert late_result.clock("acknowledge_complaint").state is ClockState.MET

    def test_a_phone_enquiry_has_no_acknowledgement_promise(self, policy, calendar):
        case = a_case(CaseType.ENQUIRY, Channel.TELEPHONE)
        result = evaluate(case, policy, calendar, london(2026, 12, 23, 10, 5))
        assert Action.ACKNOWLEDGE not in owed_actions(result)
        assert not [c for c in result.clocks if c.kind.value == "acknowledgement"]


class TestEnquiryResponse:
    @pytest.mark.parametrize("channel", [Channel.TELEPHONE, Channel.VISIT, Channel.VERBAL])
    def test_a_phone_or_visit_enquiry_is_timed_like_a_written_one(self, policy, calendar, channel):
        case = a_case(CaseType.ENQUIRY, channel, received_at=london(2026, 11, 23, 10, 0))
        result = evaluate(case, policy, calendar, london(2026, 11, 30, 14, 0))
        assert result.clock("respond_to_enquiry").due_day == date(2026, 11, 30)
        holding = [a for a in result.owed if a.action is Action.SEND_HOLDING_UPDATE]
        assert [h.expected_reply_by for h in holding] == [date(2026, 12, 7)]

    def test_holding_update_is_sent_on_the_fifth_working_day_with_a_new_date(
        self, policy, calendar
    ):
        case = a_case(CaseType.ENQUIRY, received_at=london(2026, 11, 23, 10, 0))  # Monday
        result = evaluate(case, policy, calendar, london(2026, 11, 30, 14, 0))
        holding = [a for a in result.owed if a.action is Action.SEND_HOLDING_UPDATE]
        assert len(holding) == 1
        assert holding[0].owed_from == london(2026, 11, 30, 14, 0)
        assert holding[0].expected_reply_by == date(2026, 12, 7)
        assert result.clock("respond_to_enquiry").due_day == date(2026, 11, 30)

    def test_no_holding_update_before_its_time(self, policy, calendar):
        case = a_case(CaseType.ENQUIRY, received_at=london(2026, 11, 23, 10, 0))
        result = evaluate(case, policy, calendar, london(2026, 11, 30, 13, 59))
        assert Action.SEND_HOLDING_UPDATE not in owed_actions(result)
        assert result.next_due is not None

    def test_answered_in_time_owes_nothing_more(self, policy, calendar):
        case = a_case(
            CaseType.ENQUIRY,
            received_at=london(2026, 11, 23, 10, 0),
            acknowledged_at=london(2026, 11, 23, 10, 5),
            responded_at=london(2026, 11, 26, 12, 0),
            status=CaseStatus.CLOSED,
            closed_at=london(2026, 11, 26, 12, 0),
        )
        result = evaluate(case, policy, calendar, london(2026, 12, 10, 10, 0))
        assert result.owed == ()
        assert result.next_due is None
        assert result.clock("respond_to_enquiry").state is ClockState.MET

    def test_the_owner_is_warned_a_working_day_before_in_office_hours(self, policy, calendar):
        case = a_case(CaseType.ENQUIRY, received_at=london(2026, 11, 23, 10, 0))
        at_night = evaluate(case, policy, calendar, london(2026, 11, 29, 3, 0))
        assert Action.WARN_OWNER not in owed_actions(at_night)
        morning = evaluate(case, policy, calendar, london(2026, 11, 27, 9, 0))
        warnings = [a for a in morning.owed if a.action is Action.WARN_OWNER]
        assert [w.recipients for w in warnings] == [(Role.OWNER,)]

    def test_breach_escalates_to_head_of_service_the_next_working_morning(self, policy, calendar):
        # Due Friday 27 November; breached at midnight; escalated Monday at opening.
        case = a_case(CaseType.ENQUIRY, received_at=london(2026, 11, 20, 10, 0))
        case = sent(case, "acknowledge", london(2026, 11, 20, 10, 5))
        case = sent(case, "holding_update:respond_to_enquiry", london(2026, 11, 27, 14, 0))
        saturday = evaluate(case, policy, calendar, london(2026, 11, 28, 10, 0))
        assert saturday.clock("respond_to_enquiry").state is ClockState.BREACHED
        assert Action.ESCALATE_TO_HEAD_OF_SERVICE not in owed_actions(saturday)
        assert saturday.next_due == london(2026, 11, 30, 9, 0)
        monday = evaluate(case, policy, calendar, london(2026, 11, 30, 9, 0))
        escalations = [a for a in monday.owed if a.action is Action.ESCALATE_TO_HEAD_OF_SERVICE]
        assert escalations[0].recipients == (Role.HEAD_OF_SERVICE,)


class TestComplaint:
    def test_every_clock_across_christmas(self, policy, calendar):
        result = evaluate(a_case(), policy, calendar, london(2026, 12, 23, 10, 5))
        assert result.clock("respond_to_complaint").due_day == date(2027, 1, 11)
        assert result.clock("complaint_progress_update").due_day == date(2027, 1, 11)
        assert result.clock("refer_to_chief_executive").due_day == date(2027, 1, 25)
        handover = [a for a in result.owed if a.action is Action.PASS_TO_HEAD_OF_SERVICE]
        assert handover[0].recipients == (Role.HEAD_OF_SERVICE, Role.CORPORATE_COMPLAINTS_OFFICER)

    def test_progress_updates_every_ten_working_days_while_open(self, policy, calendar):
        case = a_case()
        first = evaluate(case, policy, calendar, london(2027, 1, 11, 14, 0))
        updates = [a for a in first.owed if a.action is Action.SEND_PROGRESS_UPDATE]
        assert [(u.occurrence, u.owed_from) for u in updates] == [(1, london(2027, 1, 11, 14))]
        case = sent(case, updates[0].key, london(2027, 1, 11, 14, 0))
        second = evaluate(case, policy, calendar, london(2027, 1, 25, 14, 0))
        updates = [a for a in second.owed if a.action is Action.SEND_PROGRESS_UPDATE]
        assert [u.occurrence for u in updates] == [2]
        assert second.clock("complaint_progress_update", 1).state is ClockState.MET

    def test_missed_updates_are_not_sent_in_a_burst(self, policy, calendar):
        result = evaluate(a_case(), policy, calendar, london(2027, 2, 10, 15, 0))
        updates = [a for a in result.owed if a.action is Action.SEND_PROGRESS_UPDATE]
        assert len(updates) == 1
        assert result.clock("complaint_progress_update", 1).state is ClockState.BREACHED

    def test_referral_to_the_chief_executive_after_twenty_working_days(self, policy, calendar):
        case = a_case()
        before = evaluate(case, policy, calendar, london(2027, 1, 25, 16, 0))
        assert Action.REFER_TO_CHIEF_EXECUTIVE not in owed_actions(before)
        after = evaluate(case, policy, calendar, london(2027, 1, 26, 9, 0))
        referral = [a for a in after.owed if a.action is Action.REFER_TO_CHIEF_EXECUTIVE]
        assert Role.CHIEF_EXECUTIVE in referral[0].recipients
        assert after.clock("refer_to_chief_executive").state is ClockState.BREACHED

    def test_resolved_in_time_is_never_referred(self, policy, calendar):
        case = a_case(
            responded_at=london(2027, 1, 8, 11, 0),
            closed_at=london(2027, 1, 8, 11, 0),
            status=CaseStatus.CLOSED,
        )
        result = evaluate(case, policy, calendar, london(2027, 2, 1, 10, 0))
        assert result.clock("refer_to_chief_executive").state is ClockState.MET
        assert result.clock("respond_to_complaint").state is ClockState.MET
        assert result.owed == ()


class TestPause:
    def test_waiting_on_the_customer_keeps_the_paused_time(self, policy, calendar):
        # Paused Monday 30 Nov to Thursday 3 Dec: Mon, Tue, Wed do not count.
        case = a_case(
            CaseType.ENQUIRY,
            received_at=london(2026, 11, 26, 10, 0),  # due Thursday 3 December
            pauses=(
                Pause(
                    paused_at=london(2026, 11, 30, 10),
                    reason="asked for photos",
                    resumed_at=london(2026, 12, 3, 11),
                ),
            ),
        )
        result = evaluate(case, policy, calendar, london(2026, 12, 3, 12))
        clock = result.clock("respond_to_enquiry")
        assert clock.paused_working_days == 3
        assert clock.due_day == date(2026, 12, 8)
        assert clock.state is ClockState.RUNNING

    def test_an_open_pause_stops_the_clock_with_its_remaining_days(self, policy, calendar):
        case = a_case(
            CaseType.ENQUIRY,
            received_at=london(2026, 11, 26, 10, 0),
            status=CaseStatus.WAITING_ON_CUSTOMER,
            pauses=(Pause(paused_at=london(2026, 11, 30, 10), reason="asked for photos"),),
        )
        result = evaluate(case, policy, calendar, london(2026, 12, 20, 12))
        clock = result.clock("respond_to_enquiry")
        assert clock.state is ClockState.PAUSED
        assert clock.remaining_working_days == 4  # Mon 30 Nov to Thu 3 Dec
        assert Action.SEND_HOLDING_UPDATE not in owed_actions(result)
        assert Action.ESCALATE_TO_HEAD_OF_SERVICE not in owed_actions(result)

    def test_acknowledgement_does_not_pause(self, policy, calendar):
        case = a_case(
            CaseType.ENQUIRY,
            pauses=(Pause(paused_at=london(2026, 12, 23, 11), reason="asked for an address"),),
        )
        result = evaluate(case, policy, calendar, london(2026, 12, 23, 11, 5))
        assert Action.ACKNOWLEDGE in owed_actions(result)


class TestExtensionsAndPolicyOptions:
    def test_an_extension_moves_the_response_and_its_warnings(self, policy, calendar):
        case = a_case(
            extensions=(
                Extension(
                    clock="respond_to_complaint",
                    working_days=10,
                    reason="waiting for a contractor's report",
                    granted_at=london(2027, 1, 5, 10),
                    granted_by="head-waste-services",
                ),
            )
        )
        result = evaluate(case, policy, calendar, london(2027, 1, 5, 10, 5))
        assert result.clock("respond_to_complaint").due_day == date(2027, 1, 25)
        warn_keys = [a.key for a in result.upcoming if a.action is Action.WARN_OWNER]
        assert all("2027-01-25" in key for key in warn_keys)

    def test_a_response_counted_from_the_acknowledgement(self, calendar):
        policy = parse_policy(
            """
version: "code-2024"
promises:
  - name: stage_1_acknowledgement
    description: acknowledge within 5 working days
    kind: acknowledgement
    case_types: [complaint]
    within: 5
  - name: stage_1_response
    description: respond within 10 working days of acknowledgement
    kind: response
    case_types: [complaint]
    within: 10
    from: acknowledged
"""
        )
        case = a_case()
        waiting = evaluate(case, policy, calendar, london(2026, 12, 23, 11))
        assert waiting.clock("stage_1_response").state is ClockState.NOT_STARTED
        acknowledged = replace(case, acknowledged_at=london(2026, 12, 30, 10))
        result = evaluate(acknowledged, policy, calendar, london(2026, 12, 30, 11))
        assert result.clock("stage_1_response").start_day == date(2026, 12, 30)
        assert result.clock("stage_1_response").due_day == date(2027, 1, 14)

    def test_next_due_is_the_earliest_pending_action(self, policy, calendar):
        case = sent(a_case(), "acknowledge", london(2026, 12, 23, 10, 5))
        case = sent(case, "handover:pass_complaint_to_head_of_service", london(2026, 12, 23, 10, 5))
        assert next_due_instant(case, policy, calendar, london(2026, 12, 23, 10, 10)) == london(
            2027, 1, 7, 9, 0
        )  # the first warning, two working days before 11 January

    def test_naive_now_is_refused(self, policy, calendar):
        with pytest.raises(ValueError, match="timezone"):
            evaluate(a_case(), policy, calendar, london(2026, 12, 23, 10).replace(tzinfo=None))
