"""review credit source: a credit row names the explicit review that caused it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A ``credit`` row in ``review_log`` is a partial review given to a prerequisite's
card by an explicit review of a skill that encompasses it (graph credit).
``caused_by`` is the id of that explicit review, so undoing the review undoes its
credit. NULL on every other row.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caused_by', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_log_caused_by'), ['caused_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_log_caused_by'))
        batch_op.drop_column('caused_by')
