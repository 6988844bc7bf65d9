"""The Celery application: `celery -A portal worker` and `celery -A portal beat`.

Configuration comes from Django settings (the CELERY_* names); without REDIS_URL the tasks
run inline in the web process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
