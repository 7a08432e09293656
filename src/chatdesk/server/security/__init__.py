"""Passwords, tokens, the login throttle, request limits and rate limits, the static files' headers."""
