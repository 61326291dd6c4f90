"""The work list export Lambda function: a spreadsheet of a work list view, prepared apart."""
