"""template.yaml deploys the public form ready to go live: on the council's own domain when one
is given, with access logs that hold no personal data, alarms on its errors and slowness, the
security headers on API Gateway's own answers too, and no council's name as a default."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

from sla_monitor.council import load_council
from sla_monitor.web.http.headers import security_headers

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "template.yaml").read_text()
TEMPLATE = yaml_parse(TEXT)
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
PARAMETERS: dict[str, Any] = TEMPLATE["Parameters"]
API = RESOURCES["HaveYourSayApi"]["Properties"]


def test_no_council_is_named_in_the_template_not_even_the_sample_one():
    council = load_council()
    for words in (council.name, council.short_name, "nwleics", "Leicestershire", "Coalville"):
        assert words.lower() not in TEXT.lower(), words
    # An empty name means the name in the council's own configuration.
    assert PARAMETERS["CouncilName"]["Default"] == ""


def test_without_a_custom_domain_the_form_is_at_its_execute_api_address():
    for name in ("PublicFormDomainName", "PublicFormCertificateArn"):
        assert PARAMETERS[name]["Default"] == ""
        assert re.fullmatch(PARAMETERS[name]["AllowedPattern"], "")
    condition = TEMPLATE["Conditions"]["HasPublicFormDomain"]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "PublicFormDomainName"}, ""]}]}
    url = TEMPLATE["Outputs"]["HaveYourSayUrl"]["Value"]["Fn::If"]
    assert url[0] == "HasPublicFormDomain"
    assert url[1] == {"Fn::Sub": "https://${PublicFormDomainName}/"}
    assert "execute-api" in url[2]["Fn::Sub"]


def test_with_a_custom_domain_its_certificate_serves_the_api_at_the_domain_root():
    assert re.fullmatch(
        PARAMETERS["PublicFormDomainName"]["AllowedPattern"], "haveyoursay.example.gov.uk"
    )
    assert re.fullmatch(
        PARAMETERS["PublicFormCertificateArn"]["AllowedPattern"],
        "arn:aws:acm:eu-west-2:123456789012:certificate/0f3a1b2c-1111-2222-3333-444455556666",
    )
    domain = RESOURCES["HaveYourSayDomain"]
    assert domain["Condition"] == "HasPublicFormDomain"
    assert domain["Properties"]["DomainName"] == {"Ref": "PublicFormDomainName"}
    assert domain["Properties"]["RegionalCertificateArn"] == {"Ref": "PublicFormCertificateArn"}
    assert domain["Properties"]["SecurityPolicy"] == "TLS_1_2"
    mapping = RESOURCES["HaveYourSayBasePathMapping"]
    assert mapping["Condition"] == "HasPublicFormDomain"
    assert mapping["Properties"]["RestApiId"] == {"Ref": "HaveYourSayApi"}
    # At the root: the form's pages find their base path from the path the browser used.
    assert "BasePath" not in mapping["Properties"]
    assert TEMPLATE["Outputs"]["PublicFormDomainTarget"]["Condition"] == "HasPublicFormDomain"
    rule = TEMPLATE["Rules"]["PublicFormDomainNeedsItsCertificate"]
    assert rule["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "PublicFormCertificateArn"}, ""]}]
    }


def access_log_without_personal_data(setting: dict[str, Any], group: str) -> set[str]:
    """An API's access log setting: one JSON line a request into `group`, with no variable
    that says who asked or what they typed; the line's fields."""
    assert setting["DestinationArn"] == {"Fn::GetAtt": [group, "Arn"]}
    line = json.loads(re.sub(r"\$context\.[A-Za-z.]+", "x", setting["Format"]))
    variables = set(re.findall(r"\$context\.([A-Za-z.]+)", setting["Format"]))
    # Not the address, the browser, the path as typed or its query (a receipt, a reference, a
    # name searched for), nor who it was.
    for personal in ("identity", "path", "authorizer", "requestOverride"):
        assert not any(v == personal or v.startswith(f"{personal}.") for v in variables), personal
    return set(line)


def test_access_logs_are_json_with_no_personal_data():
    fields = access_log_without_personal_data(API["AccessLogSetting"], "HaveYourSayAccessLogGroup")
    assert {"requestId", "httpMethod", "resourcePath", "status", "responseLatency"} <= fields
    group = RESOURCES["HaveYourSayAccessLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # Access logs need the account's logging role before the stage is made.
    assert RESOURCES["HaveYourSayApi"]["DependsOn"] == "ApiGatewayAccount"
    assert RESOURCES["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"] == {
        "Fn::GetAtt": ["ApiGatewayLoggingRole", "Arn"]
    }


def _alarm_on(metric: str) -> dict[str, Any]:
    (alarm,) = [
        r["Properties"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"].get("Namespace") == "AWS/ApiGateway"
        and r["Properties"]["MetricName"] == metric
    ]
    return alarm


def test_the_forms_server_errors_and_slowness_raise_alarms_to_the_alarm_topic():
    for metric in ("5XXError", "Latency"):
        alarm = _alarm_on(metric)
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        assert dimensions == {"ApiName": API["Name"], "Stage": API["StageName"]}, metric
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], metric
        assert alarm["OKActions"] == [{"Ref": "AlarmTopic"}], metric
        assert alarm["TreatMissingData"] == "notBreaching", metric


def gateway_answers_carry_the_security_headers(api: dict[str, Any]) -> None:
    """API Gateway's own 4XX and 5XX answers of an API carry the pages' security headers."""
    expected = set(security_headers(secure=True)) | {"Cache-Control"}
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        headers = api["GatewayResponses"][kind]["ResponseParameters"]["Headers"]
        assert set(headers) == expected, kind
        # A static header value is in single quotes, with none inside.
        for name, value in headers.items():
            assert re.fullmatch(r"'[^']+'", value), name
        assert headers["Strict-Transport-Security"] == "'max-age=31536000; includeSubDomains'"
        assert headers["X-Frame-Options"] == "'DENY'"


def test_api_gateways_own_answers_carry_the_security_headers_of_the_pages():
    gateway_answers_carry_the_security_headers(API)
