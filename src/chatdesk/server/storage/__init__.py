"""Storage: the SQLite engine, the schema and its migrations, rows mapped to wire shapes. Importing the package loads nothing (storage/version.py stays free of SQLAlchemy)."""
