"""A person's rights over what the council holds about them (UK GDPR articles 15 to 17): find
everything held about them, export it as a subject access bundle, correct it, and erase it
where the law allows, keeping the anonymous facts the reports count. Use cases over the store's
indexes and the pointers written when records are made (`store.personal_records`): nothing
here scans a table."""
