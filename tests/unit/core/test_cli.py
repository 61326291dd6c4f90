import pytest

from sla_monitor.cli.main import main


def test_deadline_prints_the_due_date_alone_on_a_line(capsys):
    assert main(["deadline", "--received", "2026-12-23T10:00", "--working-days", "2"]) == 0
    assert capsys.readouterr().out == "2026-12-29\n"


def test_deadline_reads_an_offset_when_given(capsys):
    # 17:30 in London (BST) is after the cut-off: the clocks start the next day.
    main(["deadline", "--received", "2026-07-01T16:30+00:00", "--working-days", "1"])
    assert capsys.readouterr().out == "2026-07-03\n"


def test_deadline_explains_a_bad_date(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["deadline", "--received", "23/12/2026", "--working-days", "2"])
    assert exit_info.value.code == 2
    assert "not an ISO 8601 date-time" in capsys.readouterr().err
