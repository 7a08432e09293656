"""Limits both sides rely on, each written once: field lengths, the largest id, the API prefix.

The server enforces them (422/413 with a sentence); the desk and the widget rely on them.
"""
from __future__ import annotations

API_PREFIX = "/api/v1"

MAX_ID = 2 ** 62            # ids in paths and queries: larger ones are refused, never looked up
MAX_TIMESTAMP = 1e11        # Unix seconds in queries (far beyond any real date)

QUEUE_PAGE = 100            # waiting chats in GET /queue and GET /desk, the oldest first
MAX_QUEUE_PAGE = 1_000      # the most GET /queue?limit=N gives

MAX_BODY = 8_000
MAX_NAME = 120
MAX_URL = 2_048
MAX_TITLE = 300
MAX_NOTE = 4_000
MAX_TAGS = 20
MAX_TAG = 40
