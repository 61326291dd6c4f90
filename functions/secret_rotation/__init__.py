"""The secret rotation Lambda function: a new value for a signing secret, when Secrets Manager
asks."""
