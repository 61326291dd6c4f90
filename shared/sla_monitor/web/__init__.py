"""The public "Have Your Say" web pages: the form residents use to contact the council."""
