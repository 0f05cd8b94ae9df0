"""The web layer: routers, page templates and static files."""
