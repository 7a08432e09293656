"""The two engine-specific parts of the transcript search, each with its SQLite and Postgres twin:
which messages contain the words (FTS5 on SQLite; tsvector with its GIN index on Postgres) and
which chats carry a tag (json_each on SQLite; json_array_elements on Postgres).

Both take the visitor's words the same way: every word (`\\w+`, at most 20) must appear, as a
prefix ("refu" finds "refund"); nothing of the query language is ever passed through, so quotes,
stars, brackets and operators in the input are inert."""
from __future__ import annotations

import json
import re

from sqlalchemy import Select, TextClause, select, text

from ..storage import schema
from ..storage.postgres_objects import TEXT_SEARCH_CONFIG

M = schema.messages
MAX_WORDS = 20


def words(q: str) -> list[str]:
    return re.findall(r"\w+", q, flags=re.UNICODE)[:MAX_WORDS]


def fts5_query(found: list[str]) -> str:
    """Each word quoted (FTS5 syntax in it is inert) and a prefix: `"refu"* "late"*`."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in found)


def tsquery(found: list[str]) -> str:
    """The same for to_tsquery: `'refu':* & 'late':*`. A `\\w+` word holds no quote or backslash,
    so quoting it is enough."""
    return " & ".join(f"'{w}':*" for w in found)


def matching_messages(dialect: str, q: str) -> Select | None:
    """Ids of the messages holding every word of q; None when q has no word."""
    found = words(q)
    if not found:
        return None
    if dialect == "postgresql":
        return select(M.c.id).where(
            text(f"to_tsvector('{TEXT_SEARCH_CONFIG}', messages.body) @@ to_tsquery('{TEXT_SEARCH_CONFIG}', :match)")
            .bindparams(match=tsquery(found)))
    return select(text("rowid")).select_from(text("messages_fts")).where(
        text("messages_fts MATCH :match").bindparams(match=fts5_query(found)))


def has_tag(dialect: str, tag: str) -> TextClause:
    """The conversation's tags (a JSON list) hold this tag."""
    if dialect == "postgresql":
        # Compared as JSON text, as stored (json keeps it; nothing is unescaped, so a tag holding
        # an escaped NUL anywhere cannot make the search fail).
        return text("EXISTS (SELECT 1 FROM json_array_elements(conversations.tags) AS t(v) "
                    "WHERE t.v::text = :tag)").bindparams(tag=json.dumps(tag))
    return text("EXISTS (SELECT 1 FROM json_each(conversations.tags) WHERE value = :tag)").bindparams(tag=tag)
