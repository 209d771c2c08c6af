"""closing report reminders: when the organisers were reminded to write the report

Revision ID: 7c4e2a91b0d3
Revises: 586f2b4cfd97
Create Date: 2026-11-30 17:48:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c4e2a91b0d3'
down_revision = '586f2b4cfd97'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closing_reminder_sent_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('closing_reminder_sent_at')
