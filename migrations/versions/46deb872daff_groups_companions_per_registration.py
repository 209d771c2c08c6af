"""Groups: companions per registration, and how many an event allows.

Revision ID: 46deb872daff
Revises: 3b1f0c2d9e47
Create Date: 2026-11-30 10:11:19.212083

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "46deb872daff"
down_revision = "3b1f0c2d9e47"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("companions_allowed", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_events_companions_allowed_range"),
            "companions_allowed >= 0 AND companions_allowed <= 20",
        )

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("companions", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("companion_names", sa.JSON(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_registrations_companions_not_negative"), "companions >= 0"
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_registrations_companions_not_negative"), type_="check"
        )
        batch_op.drop_column("companion_names")
        batch_op.drop_column("companions")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_events_companions_allowed_range"), type_="check")
        batch_op.drop_column("companions_allowed")
