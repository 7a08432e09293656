"""HTTP routes, one module per area. All live under /api/v1."""
