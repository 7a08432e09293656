"""The Postgres-only objects the migrations create (storage/migrations.py calls these in the
migration that brought the SQLite twin): the event counter and the transcript text search.
Each is idempotent."""
from __future__ import annotations

from sqlalchemy import Connection, text

# The text-search configuration: 'simple' lowercases and neither stems nor drops stop words, as
# SQLite's FTS5 unicode61 tokenizer does, so both engines find the same words.
TEXT_SEARCH_CONFIG = "simple"
TEXT_SEARCH_INDEX = "ix_messages_body_search"


def create_event_counter(conn: Connection) -> None:
    """One row whose value is the newest event_id handed out (postgres.py, NEXT_EVENT_ID)."""
    conn.execute(text("CREATE TABLE IF NOT EXISTS event_counter ("
                      "id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL)"))
    conn.execute(text("INSERT INTO event_counter (id, value) "
                      "SELECT 1, COALESCE(MAX(event_id), 0) FROM events ON CONFLICT (id) DO NOTHING"))


def create_text_search(conn: Connection) -> None:
    """A GIN index over the messages' tsvector: services/transcripts.py searches with the same
    expression, so the planner uses it."""
    conn.execute(text(f"CREATE INDEX IF NOT EXISTS {TEXT_SEARCH_INDEX} ON messages "
                      f"USING GIN (to_tsvector('{TEXT_SEARCH_CONFIG}', body))"))


def drop_text_search(conn: Connection) -> None:
    """Before a bulk load of messages (chatdesk copy-db): building the index once afterwards is
    cheaper than updating it row by row."""
    conn.execute(text(f"DROP INDEX IF EXISTS {TEXT_SEARCH_INDEX}"))
