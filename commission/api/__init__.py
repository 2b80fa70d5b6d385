"""The public JSON API at /api/v1/: read-only, showing what the web pages
show to the same viewer (docs/api.md)."""
