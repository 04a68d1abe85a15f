"""WSGI entry point for any WSGI server (waitress in ``alliance serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
application = get_wsgi_application()
