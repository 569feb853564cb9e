import pytest
from django.conf import settings
from django.test import TransactionTestCase

from tests.browser import chromium
from tests.personas import (  # noqa: F401 - fixtures
    coord_sv,
    coord_tm,
    country,
    worker2_tm,
    worker_sv,
    worker_tm,
)

# The replica alias of the test settings mirrors the test database: a test that may use
# the database may use it (reads marked replica_reads() go there outside a transaction).
if "replica" in settings.DATABASES:
    TransactionTestCase.databases = {"default", "replica"}


@pytest.fixture(autouse=True, scope="session")
def _force_login_keeps_the_verified_device():
    """client.force_login(user) of a user from tests.personas.with_second_factor opens a
    session verified with their phone, through django-otp's own login(). django-otp's
    user_logged_in receiver would do it, but the test client logs in with a bare HttpRequest
    that has no .user (Django sets it only when present); this receiver supplies it."""
    import django_otp
    from django.contrib.auth.signals import user_logged_in

    def verify_with_the_device(sender, request, user, **kwargs):
        device = getattr(user, "otp_device", None)
        if device is not None and not hasattr(request, "user"):
            request.user = user
            django_otp.login(request, device)

    user_logged_in.connect(verify_with_the_device, dispatch_uid="tests_force_login_otp")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_force_login_otp")


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests assert English messages unless they switch language on purpose.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_lookup_cache():
    from lookups import registry

    registry.clear_cache()
    yield
    registry.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_page_fragments():
    """Rendered fragments are kept per process (settings.CACHES["fragments"]): each test
    renders its own."""
    from django.core.cache import caches

    caches["fragments"].clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Close the replica mirror's connection (Django's TestCase opens a transaction on it
    too) before the test database is dropped."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture(autouse=True)
def _fresh_case_figures():
    """The dashboards' figures are kept under a version per county in the cache, which may
    be Redis, shared with earlier tests that had cases in the same counties (and inside a
    test's transaction no commit changes a version): every test starts counting afresh."""
    from cases import figure_versions
    from lookups.loading import _rows

    counties = [row["code"] for row in _rows("counties.csv")]
    figure_versions.forget(counties)
    yield
    figure_versions.forget(counties)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": chromium.EXECUTABLE, "args": chromium.FLAGS}


@pytest.fixture
def lookups_loaded(transactional_db):
    """Transactional tests (live server, Celery worker) flush the tables, the lookups too."""
    from lookups.loading import load_lookups

    load_lookups()


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Transactional tests (live server, real workers) end by flushing every table, the
    # lookups loaded by a data migration included, so every other test must run before
    # them. pytest-django sorts by what it sees at collection and puts tests it cannot
    # classify (a database reached only through a fixture it does not know) last, after
    # the flushes: this keeps its order and only moves the flushing tests to the end.
    items.sort(key=_flushes_the_database)
