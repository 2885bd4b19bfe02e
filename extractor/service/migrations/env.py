"""Alembic environment: run with the connection the service hands over (``database.migrate``)."""

from __future__ import annotations

from alembic import context

from extractor.service.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
