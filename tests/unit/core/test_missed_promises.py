"""What the engine owes the customer when a promise is missed: no letter gives a past date,
the date a letter gave is the one kept, and a breach owes one apology with a new date."""

from dataclasses import replace
from datetime import date

from sla_monitor.cases import CaseType, Channel, Pause, SentAction, Stage2
from sla_monitor.engine import Action, ClockState, evaluate

from .builders import a_case, london, sent

# An enquiry by letter received on Monday 21 December 2026 and logged on Monday 11 January 2027:
# five working days (across Christmas and New Year) ran out on Wednesday 30 December.
LETTER_RECEIVED = london(2026, 12, 21, 10, 0)
LOGGED = london(2027, 1, 11, 10, 0)


def a_letter_enquiry(**changes):
    return a_case(CaseType.ENQUIRY, Channel.LETTER, received_at=LETTER_RECEIVED, **changes)


def owed(evaluation, action):
    return [a for a in evaluation.owed if a.action is action]


def pending(evaluation, action):
    return [a for a in (*evaluation.owed, *evaluation.upcoming) if a.action is action]


def holding_update_sent(case, at, promised_day):
    return case.with_sent(
        SentAction(
            key="holding_update:respond_to_enquiry",
            action="send_holding_update",
            sent_at=at,
            promised_day=promised_day,
        )
    )


class TestNoPastDate:
    def test_a_late_holding_update_counts_its_new_date_from_the_day_it_goes(self, policy, calendar):
        result = evaluate(a_letter_enquiry(), policy, calendar, LOGGED)
        assert result.clock("respond_to_enquiry").due_day == date(2026, 12, 30)
        [holding] = owed(result, Action.SEND_HOLDING_UPDATE)
        # Not Thursday 7 January (the due day plus five): five working days from the 11th.
        assert holding.expected_reply_by == date(2027, 1, 18)

    def test_an_on_time_holding_update_counts_from_the_day_it_was_due(self, policy, calendar):
        result = evaluate(a_letter_enquiry(), policy, calendar, london(2026, 12, 30, 14, 0))
        [holding] = owed(result, Action.SEND_HOLDING_UPDATE)
        assert holding.expected_reply_by == date(2027, 1, 7)

    def test_the_promised_date_clock_keeps_the_date_the_letter_gave(self, policy, calendar):
        case = holding_update_sent(a_letter_enquiry(), LOGGED, date(2027, 1, 18))
        result = evaluate(case, policy, calendar, london(2027, 1, 11, 15, 0))
        clock = result.clock("respond_to_enquiry:promised_date")
        assert (clock.due_day, clock.state) == (date(2027, 1, 18), ClockState.RUNNING)
        # So nobody is told on the 11th that the date has already passed.
        assert not [a for a in result.owed if a.promise == "respond_to_enquiry:promised_date"]

    def test_a_holding_update_recorded_without_its_date_keeps_the_date_it_gave_then(
        self, policy, calendar
    ):
        case = sent(a_letter_enquiry(), "holding_update:respond_to_enquiry", LOGGED)
        result = evaluate(case, policy, calendar, london(2027, 1, 11, 15, 0))
        assert result.clock("respond_to_enquiry:promised_date").due_day == date(2027, 1, 7)


class TestApologyForADelay:
    def test_a_missed_promised_date_owes_one_apology_the_working_day_after(self, policy, calendar):
        case = holding_update_sent(a_letter_enquiry(), LOGGED, date(2027, 1, 18))
        before = evaluate(case, policy, calendar, london(2027, 1, 19, 13, 59))
        assert not owed(before, Action.APOLOGISE_FOR_DELAY)
        result = evaluate(case, policy, calendar, london(2027, 1, 19, 14, 0))
        [apology] = owed(result, Action.APOLOGISE_FOR_DELAY)
        assert apology.to_customer
        assert apology.key == "apology:respond_to_enquiry:promised_date"
        assert apology.due == calendar.end_of_day(date(2027, 1, 18))
        assert apology.expected_reply_by == date(2027, 1, 26)  # five working days on
        done = sent(case, apology.key, london(2027, 1, 19, 14, 0))
        later = evaluate(done, policy, calendar, london(2027, 2, 19, 14, 0))
        assert not pending(later, Action.APOLOGISE_FOR_DELAY)

    def test_a_breached_complaint_response_owes_an_apology_with_a_new_date(self, policy, calendar):
        # Received Wednesday 23 December 2026: the response is due Monday 11 January 2027.
        case = sent(a_case(), "acknowledge", london(2026, 12, 23, 10, 5))
        evening = evaluate(case, policy, calendar, london(2027, 1, 11, 20, 0))
        [waiting] = pending(evening, Action.APOLOGISE_FOR_DELAY)
        assert waiting.owed_from == london(2027, 1, 12, 14, 0)
        assert not owed(evening, Action.APOLOGISE_FOR_DELAY)
        result = evaluate(case, policy, calendar, london(2027, 1, 12, 14, 0))
        [apology] = owed(result, Action.APOLOGISE_FOR_DELAY)
        assert apology.key == "apology:respond_to_complaint"
        # The promise's own ten working days again, from the day the letter goes.
        assert apology.expected_reply_by == date(2027, 1, 26)

    def test_a_late_apology_counts_its_new_date_from_the_day_it_goes(self, policy, calendar):
        case = sent(a_case(), "acknowledge", london(2026, 12, 23, 10, 5))
        result = evaluate(case, policy, calendar, london(2027, 1, 20, 9, 0))
        [apology] = owed(result, Action.APOLOGISE_FOR_DELAY)
        assert apology.expected_reply_by == date(2027, 2, 3)

    def test_an_enquiry_s_own_breach_is_apologised_for_by_its_holding_update(
        self, policy, calendar
    ):
        case = holding_update_sent(a_letter_enquiry(), LOGGED, date(2027, 1, 18))
        result = evaluate(case, policy, calendar, london(2027, 1, 12, 14, 0))
        assert result.clock("respond_to_enquiry").state is ClockState.BREACHED
        # Only the date the holding update gave may owe an apology, once it passes.
        assert [a.promise for a in pending(result, Action.APOLOGISE_FOR_DELAY)] == [
            "respond_to_enquiry:promised_date"
        ]

    def test_no_apology_while_the_acknowledgement_is_still_owed(self, policy, calendar):
        # A complaint logged weeks late: its acknowledgement says sorry and gives the new date.
        case = a_case(channel=Channel.LETTER, received_at=LETTER_RECEIVED)
        result = evaluate(case, policy, calendar, LOGGED)
        assert owed(result, Action.ACKNOWLEDGE)
        assert not pending(result, Action.APOLOGISE_FOR_DELAY)

    def test_no_apology_once_a_letter_sent_since_the_breach_gave_a_later_date(
        self, policy, calendar
    ):
        case = a_case(channel=Channel.LETTER, received_at=LETTER_RECEIVED)
        late_acknowledgement = SentAction(
            key="acknowledge",
            action="acknowledge",
            sent_at=LOGGED,
            promised_day=date(2027, 1, 25),
        )
        case = replace(case.with_sent(late_acknowledgement), acknowledged_at=LOGGED)
        result = evaluate(case, policy, calendar, london(2027, 1, 12, 14, 0))
        assert result.clock("respond_to_complaint").state is ClockState.BREACHED
        assert not pending(result, Action.APOLOGISE_FOR_DELAY)

    def test_no_apology_while_the_case_waits_on_the_customer(self, policy, calendar):
        case = sent(a_case(), "acknowledge", london(2026, 12, 23, 10, 5))
        case = replace(case, pauses=(Pause(london(2027, 1, 12, 10, 0), "asked for photos"),))
        result = evaluate(case, policy, calendar, london(2027, 1, 12, 14, 0))
        assert not pending(result, Action.APOLOGISE_FOR_DELAY)

    def test_an_answered_case_owes_no_apology(self, policy, calendar):
        case = a_case(
            acknowledged_at=london(2026, 12, 23, 10, 5), responded_at=london(2027, 1, 12, 9, 0)
        )
        result = evaluate(case, policy, calendar, london(2027, 1, 12, 14, 0))
        assert result.clock("respond_to_complaint").state is ClockState.BREACHED
        assert not pending(result, Action.APOLOGISE_FOR_DELAY)

    def test_a_breached_stage_2_response_owes_its_own_apology(self, policy, calendar):
        review = Stage2(
            requested_at=london(2027, 1, 5, 14, 0),
            reason="not satisfied",
            channel=Channel.EMAIL,
            stage_1_officer="head-housing",
            acknowledged_at=london(2027, 1, 5, 14, 5),
        )
        case = a_case(
            acknowledged_at=london(2026, 12, 23, 10, 5),
            responded_at=london(2027, 1, 4, 15, 0),
            stage_2=review,
        )
        # Twenty working days from Tuesday 5 January: Tuesday 2 February.
        result = evaluate(case, policy, calendar, london(2027, 2, 3, 14, 0))
        [apology] = owed(result, Action.APOLOGISE_FOR_DELAY)
        assert apology.key == "apology:respond_to_stage_2"
        assert apology.expected_reply_by == date(2027, 3, 3)


class TestReferralLetter:
    def test_the_customer_is_told_of_the_referral_when_the_chief_executive_is(
        self, policy, calendar
    ):
        # Twenty working days from Wednesday 23 December 2026 run to Monday 25 January 2027.
        case = sent(a_case(), "acknowledge", london(2026, 12, 23, 10, 5))
        result = evaluate(case, policy, calendar, london(2027, 1, 26, 9, 0))
        [referral] = owed(result, Action.REFER_TO_CHIEF_EXECUTIVE)
        [letter] = owed(result, Action.TELL_CUSTOMER_OF_REFERRAL)
        assert letter.to_customer
        assert letter.key == "referral_letter:refer_to_chief_executive"
        assert letter.owed_from == referral.owed_from == london(2027, 1, 26, 9, 0)
        done = sent(case, letter.key, london(2027, 1, 26, 9, 0))
        later = evaluate(done, policy, calendar, london(2027, 3, 1, 9, 0))
        assert not pending(later, Action.TELL_CUSTOMER_OF_REFERRAL)

    def test_no_referral_letter_for_a_complaint_answered_in_time(self, policy, calendar):
        case = a_case(
            acknowledged_at=london(2026, 12, 23, 10, 5), responded_at=london(2027, 1, 8, 9, 0)
        )
        result = evaluate(case, policy, calendar, london(2027, 1, 26, 9, 0))
        assert not pending(result, Action.TELL_CUSTOMER_OF_REFERRAL)
