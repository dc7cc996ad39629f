"""The web server's entry point: `gunicorn config.wsgi` (settings chosen by `config/__init__.py`)."""

from django.core.wsgi import get_wsgi_application

from config.celery import make_broker_folders

application = get_wsgi_application()
make_broker_folders()  # the web server publishes evaluations to the embedded broker
