"""The "Have Your Say" public form behind API Gateway."""
