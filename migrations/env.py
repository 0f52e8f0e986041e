"""Alembic environment for roadmap.

roadmap runs migrations itself (roadmap.store.open_database) and passes its
connection in ``config.attributes["connection"]``; the ``alembic`` command
line works too, given ``-x db=PATH`` (or ``-x db=URL``) or sqlalchemy.url. Batch mode is on
online and offline, because SQLite cannot ALTER most things in place (on
PostgreSQL batch operations run as plain ALTERs).
"""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import roadmap.models  # registers the tables on SQLModel.metadata
from roadmap.models import in_models

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    db = context.get_x_argument(as_dictionary=True).get("db")
    if db and "://" in db:
        return db  # a database URL (team mode: postgresql+psycopg://...)
    return f"sqlite:///{db}" if db else config.get_main_option("sqlalchemy.url")


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=in_models,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          include_object=in_models)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          include_object=in_models)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
