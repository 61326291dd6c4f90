"""The demo: the product at work on embedded AWS, with nothing to configure."""
