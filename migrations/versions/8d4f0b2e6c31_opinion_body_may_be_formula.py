"""opinion body may be formula: a flag the database computes from the text

Opinions exports written by PostgreSQL neutralised every text (four searches for formula
characters, then a regular expression): a fifth of the CSV export's time, for texts that
almost never hold one. The database now flags the texts that might, whenever a text is
written, and the export neutralises only those.

PostgreSQL stores the flag; SQLite cannot add a stored generated column to a table that
exists, so there it is computed when read (the same value; SQLite's exports are written
by Python and do not read it).

Revision ID: 8d4f0b2e6c31
Revises: 7c3e9a1d5b20
Create Date: 2026-12-01 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d4f0b2e6c31'
down_revision = '7c3e9a1d5b20'
branch_labels = None
depends_on = None

#: As ``feedback.models.BODY_MAY_BE_FORMULA`` was when this revision was written.
MAY_BE_FORMULA = ("body LIKE '%=%' OR body LIKE '%+%' OR body LIKE '%-%' OR body LIKE '%@%' "
                  "OR substr(body, 1, 1) IN ('\t', '\r')")


def upgrade():
    stored = op.get_bind().dialect.name != 'sqlite'
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_may_be_formula', sa.Boolean(),
                                      sa.Computed(MAY_BE_FORMULA, persisted=stored),
                                      nullable=False if stored else True))


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_column('body_may_be_formula')
