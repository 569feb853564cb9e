import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primero_ro.settings")

app = Celery("primero_ro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
