import pytest

from sla_monitor.cases import CaseType, Channel
from sla_monitor.policy import PolicyError, load_policy, parse_policy
from sla_monitor.policy_terms import PromiseKind

from .builders import a_case


def test_the_shipped_policy_holds_the_council_promises():
    policy = load_policy()
    assert policy.promise("acknowledge_email").within == 1
    assert policy.promise("respond_to_enquiry").within == 5
    assert policy.promise("acknowledge_complaint").within == 2
    assert policy.promise("respond_to_complaint").within == 10
    assert policy.promise("complaint_progress_update").every == 10
    assert policy.promise("refer_to_chief_executive").within == 20


def test_the_version_changes_when_the_content_does():
    text = "version: '1'\npromises: []\n"
    assert parse_policy(text).version != parse_policy(text + "# edited\n").version
    assert parse_policy(text).version.startswith("1+")


def test_promises_apply_by_case_type_and_channel():
    policy = load_policy()
    names = {p.name for p in policy.promises_for(a_case(CaseType.ENQUIRY, Channel.WEB))}
    assert names == {"acknowledge_web_form", "respond_to_enquiry"}
    compliments = {p.kind for p in policy.promises_for(a_case(CaseType.COMPLIMENT, Channel.EMAIL))}
    assert compliments == {PromiseKind.ACKNOWLEDGEMENT}


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("case_type", [CaseType.ENQUIRY, CaseType.SERVICE_REQUEST])
def test_every_enquiry_and_request_is_answered_within_five_days_however_it_came(case_type, channel):
    """Telephone, visit and in-person ones too, once staff log them: the contact standards
    promise no time for those, and the council answers them as written ones."""
    policy = load_policy()
    promise = policy.response_promise(a_case(case_type, channel))
    assert promise is not None
    assert (promise.name, promise.within) == ("respond_to_enquiry", 5)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("promises: [{name: x, description: d, kind: response}]", "needs 'within'"),
        ("promises: [{name: x, description: d, kind: progress_update}]", "needs 'every'"),
        ("promises: [{name: x, description: d, kind: escalation, within: 3}]", "escalate_to"),
        (
            "promises: [{name: x, description: d, kind: response, within: 3, warn_before: [3]}]",
            "before the promise is due",
        ),
        ("promises: [{name: x, description: d, kind: response, within: 3, colour: red}]", "colour"),
        (
            "promises: [{name: x, description: d, kind: response, within: 1}, "
            "{name: x, description: d, kind: response, within: 2}]",
            "unique",
        ),
    ],
)
def test_a_wrong_policy_says_what_is_wrong(body, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy("version: '1'\n" + body)


def test_a_policy_that_is_not_yaml_is_refused():
    with pytest.raises(PolicyError, match="not valid YAML"):
        parse_policy("version: [unclosed")
