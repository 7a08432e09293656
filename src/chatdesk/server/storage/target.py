"""What a `--db` value names: an SQLite file path (or an `sqlite:///path` URL), or a
`postgresql://` URL; and that URL as each Postgres client wants it. The one place that tells the
engines apart (storage/engine.py opens the one named). No SQLAlchemy here: `chatdesk user add`
uses it on its fast paths."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")
WRITE_LOCK = 0x6368_6174_6465_736B     # "chatdesk": the Postgres advisory lock every write holds


class UnknownDatabase(ValueError):
    """`--db` is a URL of an engine chatdesk does not have; the message says what to give."""


def is_postgres(target: str | Path) -> bool:
    return isinstance(target, str) and urlsplit(target).scheme.lower() in POSTGRES_SCHEMES


def database_target(value: str | Path) -> Path | str:
    """What `--db` names: a Path for SQLite (a file, or an sqlite:/// URL), the URL for Postgres.
    Anything else with a scheme is refused with a sentence."""
    if isinstance(value, Path):
        return value
    if is_postgres(value):
        try:
            if urlsplit(value).port is None and urlsplit(value).netloc.endswith(":"):
                raise ValueError
        except ValueError:
            raise UnknownDatabase(f"--db {shown(value)}: the port is not a number.") from None
        return value
    if value.startswith("sqlite:///"):
        return Path(value.removeprefix("sqlite:///") or "chatdesk.db")
    scheme = urlsplit(value).scheme
    if "://" in value and scheme:
        raise UnknownDatabase(f"--db {scheme}://… is not a database chatdesk can use: give an SQLite file "
                         "path (or sqlite:///path) or a postgresql:// URL.")
    return Path(value)


def shown(target: str | Path) -> str:
    """The target for a log line: a Postgres URL without its password."""
    if not is_postgres(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _with_query_key(url: str, old: str, new: str) -> str:
    parts = urlsplit(url)
    query = [(new if k == old else k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return parts._replace(query=urlencode(query, safe="/")).geturl()


def libpq_url(url: str) -> str:
    """A Postgres URL as asyncpg.connect() and psql take it: no SQLAlchemy +driver, TLS as
    `sslmode=` (the libpq name; `ssl=` is taken as a synonym)."""
    return _with_query_key("postgresql://" + url.split("://", 1)[1], "ssl", "sslmode")


def sqlalchemy_url(url: str) -> str:
    """The same URL for SQLAlchemy's asyncpg dialect, which passes the query to asyncpg.connect()
    as arguments: `sslmode=` becomes its `ssl=`."""
    return _with_query_key("postgresql+asyncpg://" + url.split("://", 1)[1], "sslmode", "ssl")
