"""template.yaml scans what is kept in quarantine, and only that, when the council wants it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

from sla_monitor.attachments_release import SCAN_RESULT, SCANNED
from sla_monitor.mail.receive import QUARANTINE

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml_parse((ROOT / "template.yaml").read_text())
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
QUARANTINE_FOLDER = f"attachments/{QUARANTINE}"
SCANNING = (
    "MalwareProtectionRole",
    "QuarantineMalwareProtectionPlan",
    "ScanResultsLogGroup",
    "ScanResultsRole",
    "ScanResultsFunction",
)


def statements(role: str) -> dict[str, dict[str, Any]]:
    (policy,) = RESOURCES[role]["Properties"]["Policies"]
    return {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}


def test_scanning_is_on_unless_the_council_turns_it_off():
    parameter = TEMPLATE["Parameters"]["ScanQuarantinedFiles"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("true", ["true", "false"])
    assert "per GB scanned" in parameter["Description"]
    assert TEMPLATE["Conditions"]["ScansQuarantinedFiles"] == {
        "Fn::Equals": [{"Ref": "ScanQuarantinedFiles"}, "true"]
    }
    for logical_id in SCANNING:
        assert RESOURCES[logical_id]["Condition"] == "ScansQuarantinedFiles", logical_id
    # Nothing that is always deployed names a resource that may not be.
    for logical_id, resource in RESOURCES.items():
        if resource.get("Condition") != "ScansQuarantinedFiles":
            text = repr(resource)
            assert not any(name in text for name in SCANNING), logical_id


def test_the_plan_protects_the_quarantine_folder_of_the_raw_mail_bucket_and_tags():
    plan = RESOURCES["QuarantineMalwareProtectionPlan"]
    assert plan["Type"] == "AWS::GuardDuty::MalwareProtectionPlan"
    props = plan["Properties"]
    assert props["Role"] == {"Fn::GetAtt": ["MalwareProtectionRole", "Arn"]}
    assert props["ProtectedResource"] == {
        "S3Bucket": {"BucketName": {"Ref": "RawMailBucket"}, "ObjectPrefixes": [QUARANTINE_FOLDER]}
    }
    assert props["Actions"] == {"Tagging": {"Status": "ENABLED"}}


def test_guardduty_assumes_its_role_only_for_this_account():
    (trust,) = RESOURCES["MalwareProtectionRole"]["Properties"]["AssumeRolePolicyDocument"][
        "Statement"
    ]
    assert trust["Principal"] == {"Service": "malware-protection-plan.guardduty.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_guardduty_s_role_has_what_aws_documents_narrowed_to_the_quarantine_folder():
    granted = statements("MalwareProtectionRole")
    quarantined = {"Fn::Sub": "${RawMailBucket.Arn}/" + QUARANTINE_FOLDER + "*"}
    assert granted["ScanQuarantinedFiles"]["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]
    assert granted["ScanQuarantinedFiles"]["Resource"] == quarantined
    assert granted["TagScannedFiles"]["Resource"] == quarantined
    assert set(granted["TagScannedFiles"]["Action"]) == {
        "s3:GetObjectTagging",
        "s3:PutObjectTagging",
        "s3:GetObjectVersionTagging",
        "s3:PutObjectVersionTagging",
    }
    assert granted["PutValidationObject"]["Resource"] == {
        "Fn::Sub": "${RawMailBucket.Arn}/malware-protection-resource-validation-object"
    }
    assert granted["CheckBucketOwnership"]["Action"] == "s3:ListBucket"
    assert granted["SendBucketEventsToEventBridge"]["Resource"] == {
        "Fn::GetAtt": ["RawMailBucket", "Arn"]
    }
    rule = "rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"
    for sid in ("ManageItsOwnEventBridgeRule", "WatchItsOwnEventBridgeRule"):
        assert granted[sid]["Resource"]["Fn::Sub"].endswith(rule), sid
    assert granted["ManageItsOwnEventBridgeRule"]["Condition"] == {
        "StringLike": {"events:ManagedBy": "malware-protection-plan.guardduty.amazonaws.com"}
    }
    # The bucket is encrypted with the stack's own key: GuardDuty reads through S3 only.
    key = granted["DecryptFilesToScanThroughS3"]
    assert key["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert key["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}
    }
    assert not any("s3:DeleteObject" in repr(s["Action"]) for s in granted.values())


def test_scan_results_of_the_quarantine_folder_invoke_the_function_with_retries():
    props = RESOURCES["ScanResultsFunction"]["Properties"]
    assert props["CodeUri"] == "functions/scan_results/"
    assert props["Environment"]["Variables"]["ATTACHMENT_PREFIX"] == "attachments/"
    assert props["EventInvokeConfig"]["MaximumRetryAttempts"] == 2
    assert props["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["FailedEventsQueue", "Arn"]
    }
    (event,) = props["Events"].values()
    assert event["Type"] == "EventBridgeRule"
    assert event["Properties"]["Pattern"] == {
        "source": ["aws.guardduty"],
        "detail-type": [SCAN_RESULT],
        "detail": {
            "resourceType": ["S3_OBJECT"],
            "s3ObjectDetails": {
                "bucketName": [{"Ref": "RawMailBucket"}],
                "objectKey": [{"prefix": QUARANTINE_FOLDER}],
            },
        },
    }


def test_the_function_copies_out_of_quarantine_only_into_the_scanned_folder():
    granted = statements("ScanResultsRole")
    assert granted["ReadQuarantinedFiles"]["Resource"] == {
        "Fn::Sub": "${RawMailBucket.Arn}/" + QUARANTINE_FOLDER + "*"
    }
    assert granted["KeepScannedCopies"] == {
        "Sid": "KeepScannedCopies",
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "Resource": {"Fn::Sub": "${RawMailBucket.Arn}/attachments/" + SCANNED + "*"},
    }
    assert "dynamodb:Scan" not in repr(granted)
    # It deletes only the work list's shelf entries and search terms its save moves a case off.
    deleting = [g for g in granted.values() if "dynamodb:DeleteItem" in repr(g["Action"])]
    assert [g["Sid"] for g in deleting] == ["RefileCases"]
    assert deleting[0]["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["SHELF#*", "TERM#*"]}
    }


def test_staff_never_download_a_file_from_quarantine():
    denied = statements("StaffWorkspaceRole")["NeverDownloadQuarantinedFiles"]
    assert (denied["Effect"], denied["Action"]) == ("Deny", "s3:GetObject")
    assert denied["Resource"] == {"Fn::Sub": "${RawMailBucket.Arn}/" + QUARANTINE_FOLDER + "*"}
