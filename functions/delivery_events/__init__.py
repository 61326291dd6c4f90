"""The delivery events Lambda function: what SES says became of the mail the product sent."""
