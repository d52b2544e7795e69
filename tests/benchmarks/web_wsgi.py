"""The service's WSGI application with one more address, the bare view the web benchmark
measures every endpoint against (``tests/benchmarks/web_urls.py``).

The URLconf is set here rather than in a settings module of the benchmark's own: such a module
cannot extend ``advisor.settings``, whose package starts the Celery app, which reads the very
settings being defined."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "tests.benchmarks.web_urls"
