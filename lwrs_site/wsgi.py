"""WSGI entry point, for gunicorn: `gunicorn -c gunicorn.conf.py lwrs_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from lwrs_site import db

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lwrs_site.settings")

# A web process opens the database; only `manage.py migrate` may create it.
db.serving()

application = get_wsgi_application()
