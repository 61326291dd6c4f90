"""The deadline checker Lambda function: the scheduled sweep of due cases."""
