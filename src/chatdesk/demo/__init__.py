"""`chatdesk demo`: one command for a server, demo data, simulated visitors and the desk."""
