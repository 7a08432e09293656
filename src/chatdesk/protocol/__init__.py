"""Wire models and event names shared by the server and the client (no I/O, no Textual)."""
