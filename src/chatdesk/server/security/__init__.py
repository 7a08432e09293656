"""Passwords, tokens, the login throttle, request limits and rate limits, the flood limits (the
login gate, new chats), the static files' headers."""
