import pytest

from tests.personas import (  # noqa: F401 - fixtures
    coord_sv,
    coord_tm,
    country,
    worker2_tm,
    worker_sv,
    worker_tm,
)


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


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def lookups_loaded(transactional_db):
    """Transactional tests (live server, Celery worker) flush the tables, the lookups too."""
    from lookups.loading import load_lookups

    load_lookups()
