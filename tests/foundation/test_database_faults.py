"""PostgreSQL going away: a dropped connection between requests is reopened, a read that
meets a dropped connection is retried once, and what still fails is a translated "try
again" page (503), never a bare 500."""

from __future__ import annotations

import socket
import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backends"),
    pytest.mark.django_db(transaction=True),
]


def _admin_dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname={db['NAME']}"


def terminate_backend_of_this_connection() -> None:
    """What a PostgreSQL restart does to an open connection: the server ends it."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(50):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the backend did not end")


def wsgi_get(path: str, client: Client) -> tuple[str, str]:
    """A GET through Django's WSGI handler, as gunicorn calls it: unlike the test client,
    it sends request_started, which is when Django checks persistent connections."""
    cookies = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    environ = RequestFactory()._base_environ(PATH_INFO=path, HTTP_COOKIE=cookies)
    status = []
    body = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        return status[0], b"".join(body).decode()
    finally:
        body.close()  # request_finished: the connection is kept for the next request


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_down():
    """Every new connection fails, as while PostgreSQL restarts."""
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    yield
    connection.close()
    connection.settings_dict["PORT"] = saved


@pytest.fixture
def logged_in(lookups_loaded, worker_tm):
    client = Client(raise_request_exception=False)
    client.force_login(worker_tm)
    return client


def test_a_connection_dropped_between_requests_is_reopened(logged_in):
    assert wsgi_get("/", logged_in)[0] == "200 OK"
    terminate_backend_of_this_connection()
    status, page = wsgi_get("/", logged_in)
    assert status == "200 OK", page[:300]
    assert "Follow-ups due" in page


def test_a_read_that_meets_a_dropped_connection_is_retried_once(logged_in):
    assert logged_in.get("/cases/").status_code == 200
    # The test client does not run the start-of-request check: the view itself meets
    # the dead connection, and the read is retried on a new one.
    terminate_backend_of_this_connection()
    response = logged_in.get("/cases/")
    assert response.status_code == 200
    assert "No case matches." in response.content.decode()


def test_a_read_while_the_database_is_down_answers_the_translated_try_again_page(
    logged_in, database_down
):
    logged_in.cookies["django_language"] = "uk"
    response = logged_in.get("/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Сервіс тимчасово недоступний" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_a_form_sent_while_the_database_is_down_is_not_repeated_and_says_so(
    logged_in, database_down
):
    logged_in.cookies["django_language"] = "ro"
    response = logged_in.post("/register/", {"first_name": "Olena"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Serviciul este indisponibil pentru moment" in page
    assert "să nu se fi salvat" in page


def test_an_error_outside_any_view_also_answers_the_try_again_page(rf):
    """Django's 500 handler (an error in a middleware, before any view) tells a database
    error apart from a bug."""
    from primero_ro.db_faults import server_error

    request = rf.get("/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert "The service is unavailable for a moment" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
