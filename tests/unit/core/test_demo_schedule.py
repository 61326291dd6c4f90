from datetime import datetime

from sla_monitor_local.demo.month import sweep_times

from sla_monitor.calendar import LONDON


class _Services:
    def __init__(self, calendar):
        self.calendar = calendar


def test_the_simulated_schedule_never_steps_past_the_office_opening(calendar):
    start = datetime(2026, 12, 14, 7, 30, tzinfo=LONDON)
    end = datetime(2026, 12, 14, 9, 11, tzinfo=LONDON)
    times = [t.strftime("%H:%M") for t in sweep_times(_Services(calendar), start, end)]
    assert times == ["07:30", "08:30", "09:00", "09:05", "09:10"]


def test_after_closing_the_schedule_samples_hourly(calendar):
    start = datetime(2026, 12, 14, 16, 55, tzinfo=LONDON)
    end = datetime(2026, 12, 14, 19, 1, tzinfo=LONDON)
    times = [t.strftime("%H:%M") for t in sweep_times(_Services(calendar), start, end)]
    assert times == ["16:55", "17:00", "18:00", "19:00"]
