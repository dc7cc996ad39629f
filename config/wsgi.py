"""The web server's entry point: `gunicorn config.wsgi` (settings chosen by `config/__init__.py`)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
