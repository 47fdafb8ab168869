"""Alembic environment: runs migrations on the connection handed in by :class:`Store`."""

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, render_as_batch=True)
    context.run_migrations()
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.begin() as conn:
        context.configure(connection=conn, render_as_batch=True)
        context.run_migrations()
