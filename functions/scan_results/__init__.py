"""The scan results Lambda function: what GuardDuty found in the files kept in quarantine."""
