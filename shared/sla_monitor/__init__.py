"""A council's customer contact standards and complaints procedure, kept automatically."""

__version__ = "0.1.0"
