"""The public form, Have Your Say: one question a page, check your answers, a case made once."""
