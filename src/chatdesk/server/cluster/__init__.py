"""Several server processes on one database (`--cluster`, `chatdesk server --workers N`): who is
serving (members.py), the one sweeper (lease.py), the datagrams between processes (bus.py), the
loop that keeps all three fresh (node.py) and the parent that runs N workers (workers.py)."""
