"""cards per check and skill notes

Each review card becomes the card of one self-check: ``review_card`` gains
``check_id`` in its primary key. A card stored before this revision was the
card of a whole skill; it keeps its state under the check id ``""`` (the
whole skill), from which every check of the skill without a card of its own
reviews (so each check starts with exactly the skill's state, nothing is
lost, and no curriculum is needed here). ``review_log`` gains ``check_id``
(NULL for the rows written before: they were about the whole skill).
``skill_note`` holds the learner's own notes on a skill.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('review_card_new',
    sa.Column('skill_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('check_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('due', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_review', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('skill_id', 'check_id')
    )
    op.execute("INSERT INTO review_card_new (skill_id, check_id, state, step, stability, difficulty, due, "
               "last_review, reviews) SELECT skill_id, '', state, step, stability, difficulty, due, last_review, "
               "reviews FROM review_card")
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_card_due'))
    op.drop_table('review_card')
    op.rename_table('review_card_new', 'review_card')
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_card_due'), ['due'], unique=False)

    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    op.create_table('skill_note',
    sa.Column('skill_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('skill_id')
    )


def downgrade() -> None:
    # Per-check cards fold back into one card per skill: the check card due first is kept.
    op.drop_table('skill_note')
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.drop_column('check_id')
    op.create_table('review_card_old',
    sa.Column('skill_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('due', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_review', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('skill_id')
    )
    op.execute("INSERT INTO review_card_old SELECT skill_id, state, step, stability, difficulty, due, last_review, "
               "reviews FROM review_card c WHERE NOT EXISTS (SELECT 1 FROM review_card d WHERE d.skill_id = "
               "c.skill_id AND (d.due < c.due OR (d.due = c.due AND d.check_id < c.check_id)))")
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_card_due'))
    op.drop_table('review_card')
    op.rename_table('review_card_old', 'review_card')
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_card_due'), ['due'], unique=False)
