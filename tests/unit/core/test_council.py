import pytest

from sla_monitor.council import load_council


@pytest.fixture(autouse=True)
def _fresh():
    load_council.cache_clear()
    yield
    load_council.cache_clear()


def test_the_shipped_settings_are_the_councils():
    council = load_council()
    assert council.name == "North West Leicestershire District Council"
    assert council.reference_prefix == "NWL"
    assert council.calendar().cut_off.hour == 17


def test_a_deployment_parameter_wins_over_the_file(monkeypatch):
    monkeypatch.setenv("COUNCIL_NAME", "Example District Council")
    monkeypatch.setenv("COUNCIL_BRANDING_COLOUR", "#1D70B8")
    monkeypatch.setenv("RETENTION_DAYS", "400")
    council = load_council()
    assert council.name == "Example District Council"
    assert council.branding.colour == "#1D70B8"
    assert council.retention_days == 400


def test_a_bad_colour_is_refused(monkeypatch):
    monkeypatch.setenv("COUNCIL_BRANDING_COLOUR", "red; background: url(x)")
    with pytest.raises(ValueError, match="colour"):
        load_council()
