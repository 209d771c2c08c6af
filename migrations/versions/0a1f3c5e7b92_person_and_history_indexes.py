"""person and history indexes: a person's registrations by address; audit entries by target

Revision ID: 0a1f3c5e7b92
Revises: 7c4e2a91b0d3
Create Date: 2026-11-30 20:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0a1f3c5e7b92'
down_revision = '7c4e2a91b0d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_email', ['email'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target_type_target_id',
                              ['target_type', 'target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target_type_target_id')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_email')
