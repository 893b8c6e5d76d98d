"""The REST API (django-ninja) under /api/v1/: the same actions and rules as the web UI."""
