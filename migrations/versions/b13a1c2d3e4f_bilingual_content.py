"""bilingual content: event texts and action updates in Dutch and English; event search

Every existing text is kept as the Dutch version (``title`` becomes ``title_nl``, ...) and
gets an empty English sibling. Events get folded search texts (filled here for existing
rows) with a trigram index on PostgreSQL.

Revision ID: b13a1c2d3e4f
Revises: 00e70e05ad5b
Create Date: 2026-11-30 10:30:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b13a1c2d3e4f"
down_revision = "00e70e05ad5b"
branch_labels = None
depends_on = None

#: (field, type) of the event texts that become bilingual.
EVENT_FIELDS = (
    ("title", sa.String(length=200)),
    ("summary", sa.String(length=500)),
    ("description", sa.Text()),
    ("public_transport", sa.Text()),
    ("bike", sa.Text()),
    ("accessibility_notes", sa.Text()),
)


def _in_a_language(field):
    return f"coalesce({field}_nl, '') <> '' OR coalesce({field}_en, '') <> ''"


def _fold(text):
    # A copy of participation.events.search.fold as it is today: migrations do not import
    # the application, whose code may change after this migration ran.
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _fill_search_texts(conn):
    events = conn.execute(sa.text(
        "SELECT e.id, e.title_nl, e.summary_nl, e.description_nl, e.venue_name, "
        "t.name_nl, t.name_en FROM events e JOIN topics t ON t.id = e.topic_id"
    )).all()
    actions = {}
    for event_id, code, title_nl, title_en in conn.execute(sa.text(
        "SELECT ea.event_id, a.code, a.title_nl, a.title_en FROM event_actions ea "
        "JOIN policy_actions a ON a.id = ea.action_id ORDER BY a.code"
    )):
        actions.setdefault(event_id, []).extend([code, title_nl, title_en])
    for row in events:
        parts = [row.title_nl, row.summary_nl, row.description_nl, row.venue_name,
                 row.name_nl, row.name_en, *actions.get(row.id, [])]
        conn.execute(
            sa.text("UPDATE events SET search_title = :title, search_text = :text WHERE id = :id"),
            {"title": _fold(row.title_nl),
             "text": _fold(" ".join(p for p in parts if p)), "id": row.id},
        )


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("events", schema=None) as batch_op:
        for field, type_ in EVENT_FIELDS:
            batch_op.alter_column(field, new_column_name=f"{field}_nl", existing_type=type_,
                                  nullable=True)
        for field, type_ in EVENT_FIELDS:
            batch_op.add_column(sa.Column(f"{field}_en", type_, nullable=True))
        batch_op.add_column(sa.Column("search_title", sa.Text(), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="",
                                      nullable=False))
        batch_op.create_check_constraint(op.f("ck_events_title_in_a_language"),
                                         _in_a_language("title"))
        batch_op.create_check_constraint(op.f("ck_events_summary_in_a_language"),
                                         _in_a_language("summary"))
        batch_op.create_index(
            "ix_events_search_text_trgm", ["search_text"], unique=False,
            postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.alter_column("body", new_column_name="body_nl", existing_type=sa.Text(),
                              nullable=True)
        batch_op.add_column(sa.Column("body_en", sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_action_updates_body_in_a_language"),
                                         _in_a_language("body"))
    _fill_search_texts(op.get_bind())


def downgrade():
    # Going back keeps the Dutch texts (English-only ones move into the single column).
    conn = op.get_bind()
    for field, _type in EVENT_FIELDS:
        conn.execute(sa.text(
            f"UPDATE events SET {field}_nl = {field}_en "
            f"WHERE coalesce({field}_nl, '') = '' AND {field}_en IS NOT NULL"
        ))
    conn.execute(sa.text("UPDATE events SET description_nl = '' WHERE description_nl IS NULL"))
    conn.execute(sa.text(
        "UPDATE action_updates SET body_nl = body_en WHERE coalesce(body_nl, '') = ''"
    ))
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_action_updates_body_in_a_language"), type_="check")
        batch_op.drop_column("body_en")
        batch_op.alter_column("body_nl", new_column_name="body", existing_type=sa.Text(),
                              nullable=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_search_text_trgm")
        batch_op.drop_constraint(op.f("ck_events_summary_in_a_language"), type_="check")
        batch_op.drop_constraint(op.f("ck_events_title_in_a_language"), type_="check")
        batch_op.drop_column("search_text")
        batch_op.drop_column("search_title")
        for field, _type in EVENT_FIELDS:
            batch_op.drop_column(f"{field}_en")
        for field, type_ in EVENT_FIELDS:
            batch_op.alter_column(f"{field}_nl", new_column_name=field, existing_type=type_,
                                  nullable=field not in ("title", "summary", "description"))
