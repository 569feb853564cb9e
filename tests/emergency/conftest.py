import pytest

from primero_ro.celery import app


@pytest.fixture(autouse=True)
def eager():
    """Tasks run in-process, as in the quick start (the e-mail task is thin)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
