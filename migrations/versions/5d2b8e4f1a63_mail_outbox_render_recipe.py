"""mail outbox render recipe: registration mails are queued unwritten and written by the worker

Registration mails were rendered (templates, calendar file, QR code) while the event's row
lock was held, serialising every registration of a busy event behind them. They are now
queued with a recipe in ``render`` and written by the worker; subject and body_text stay
empty until then, and a check makes sure every row is either written or has a recipe.

Revision ID: 5d2b8e4f1a63
Revises: 0a1f3c5e7b92
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2b8e4f1a63'
down_revision = '0a1f3c5e7b92'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('render', sa.JSON(none_as_null=True), nullable=True))
        batch_op.alter_column('subject', existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_mail_outbox_written_or_recipe'),
            '(subject IS NOT NULL AND body_text IS NOT NULL) OR render IS NOT NULL',
        )


def downgrade():
    # Mails still waiting to be written cannot be kept without their text.
    op.execute('DELETE FROM mail_outbox WHERE subject IS NULL OR body_text IS NULL')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mail_outbox_written_or_recipe'), type_='check')
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('subject', existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column('render')
