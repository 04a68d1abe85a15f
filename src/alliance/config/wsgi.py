"""WSGI entry point for any WSGI server (waitress in ``alliance serve``)."""

import os

from django.core.wsgi import get_wsgi_application

from alliance.core.files import owner_only_umask

# What the server writes (the embedded database, uploads) is its owner's only.
owner_only_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
application = get_wsgi_application()
