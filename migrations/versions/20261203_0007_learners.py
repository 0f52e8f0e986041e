"""learners: every per-learner row names its learner; mentorship; row-level security on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Every per-learner table (``LEARNER_TABLES``) gains ``learner`` (text, NOT NULL):

- PostgreSQL (team mode): the learner is the connecting database role. The column defaults to
  ``current_user``, so the rows already there belong to the role that runs this upgrade (a
  single-user database upgrades with its rows assigned to that learner; ``roadmap admin upgrade
  --assign-to ROLE`` hands them to another role in the same transaction). Per-learner primary keys
  gain ``learner`` first (skill_progress, setting, review_card, skill_note); the other tables get an
  index on it. Row-level security on every per-learner table: policy ``learner_own`` (ALL: a role
  reads and writes only rows where ``learner = current_user``) and policy ``mentor_reads`` (SELECT
  only: a mentor reads the rows of their mentees, and only in a transaction that ran ``SET LOCAL
  roadmap.cohort = 'on'``, the cohort view; a mentor's own commands see only their own rows).
  The table owner (the administrator) is not a learner: owners bypass these policies (they are not
  FORCEd), which is how ``roadmap admin`` removes a learner's rows; roadmap refuses learner commands
  from a role that bypasses them once other learners' rows exist (see roadmap.store).
- SQLite (one local learner): the column defaults to ``''`` and the keys stay as they are; nothing
  changes for a single user.

``mentorship (mentor, mentee)`` names who mentors whom (both engines). On PostgreSQL a role reads the
rows where it is the mentor or the mentee; only the owner writes (``roadmap admin``).

The roles and grants (group role ``roadmap_learner``) are not made here: roles are cluster-wide and
need CREATEROLE, so ``roadmap admin init`` / ``roadmap admin upgrade`` create and grant them.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LEARNER_TABLES = ("skill_progress", "status_event", "setting", "review_card", "review_log", "skill_note",
                  "study_session", "time_off")
# The primary keys that gain ``learner`` first on PostgreSQL; the other tables get an index on it.
KEYS = {"skill_progress": ["skill_id"], "setting": ["key"], "review_card": ["skill_id", "check_id"],
        "skill_note": ["skill_id"]}


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_table('mentorship',
    sa.Column('mentor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentee', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('mentor', 'mentee')
    )
    op.create_index('ix_mentorship_mentee', 'mentorship', ['mentee'], unique=False)
    if not postgres:
        for table in LEARNER_TABLES:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column('learner', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                              server_default=''))
        return
    inspector = sa.inspect(bind)
    for table in LEARNER_TABLES:
        op.add_column(table, sa.Column('learner', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                       server_default=sa.text('CURRENT_USER')))
        if table in KEYS:
            # review_card's key is still named after review_card_new (revision 0005 renamed the table): look it up.
            name = inspector.get_pk_constraint(table)["name"]
            op.drop_constraint(name, table, type_='primary')
            op.create_primary_key(f'{table}_pkey', table, ['learner', *KEYS[table]])
        else:
            op.create_index(f'ix_{table}_learner', table, ['learner'], unique=False)
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY learner_own ON {table} FOR ALL '
                   'USING (learner = current_user) WITH CHECK (learner = current_user)')
        op.execute(f"CREATE POLICY mentor_reads ON {table} FOR SELECT "
                   "USING (current_setting('roadmap.cohort', true) = 'on' "
                   "AND learner IN (SELECT mentee FROM mentorship WHERE mentor = current_user))")
    op.execute('ALTER TABLE mentorship ENABLE ROW LEVEL SECURITY')
    op.execute('CREATE POLICY parties_read ON mentorship FOR SELECT '
               'USING (mentor = current_user OR mentee = current_user)')


def downgrade() -> None:
    # Only a database holding one learner's rows can go back (the old keys have no learner in them).
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute('DROP POLICY parties_read ON mentorship')
    op.drop_index('ix_mentorship_mentee', table_name='mentorship')
    op.drop_table('mentorship')
    for table in LEARNER_TABLES:
        if postgres:
            op.execute(f'DROP POLICY mentor_reads ON {table}')
            op.execute(f'DROP POLICY learner_own ON {table}')
            op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
            if table in KEYS:
                op.drop_constraint(f'{table}_pkey', table, type_='primary')
                op.create_primary_key(f'{table}_pkey', table, KEYS[table])
            else:
                op.drop_index(f'ix_{table}_learner', table_name=table)
            op.drop_column(table, 'learner')
        else:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_column('learner')
