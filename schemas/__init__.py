"""Versioned record schemas. Each version is its own module (``events_v1``, ...)."""
