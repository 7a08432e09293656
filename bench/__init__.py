"""chatdesk benchmarks: `uv run python -m bench` (full, < 5 min on 2 cores) or `--smoke` (< 40 s).

Every figure is measured against the real server in a subprocess and the real desk; see
docs/performance.md for what each one means and how it is taken."""
