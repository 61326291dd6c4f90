"""The email intake Lambda function: SES or S3 events in, one recorded outcome per message."""
