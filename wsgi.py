"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from commission import create_app

app = create_app()
