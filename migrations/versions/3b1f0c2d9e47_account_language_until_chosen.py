"""An account's language is unset until its owner first signs in or chooses one

Revision ID: 3b1f0c2d9e47
Revises: 06332a55f064
Create Date: 2026-11-30 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b1f0c2d9e47'
down_revision = '06332a55f064'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('locale', existing_type=sa.String(length=2), nullable=True,
                              server_default=None)


def downgrade():
    op.execute("UPDATE users SET locale = 'nl' WHERE locale IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('locale', existing_type=sa.String(length=2), nullable=False,
                              server_default='nl')
