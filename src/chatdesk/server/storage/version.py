"""The newest schema version, importable without SQLAlchemy (see accounts_cli). Raise it together
with a new entry in migrations.MIGRATIONS (an assert there keeps the two in step)."""
LATEST = 9
