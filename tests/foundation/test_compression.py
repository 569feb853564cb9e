"""Pages are sent gzip-compressed to a browser that accepts it, with the same headers
(CSP, no-store); downloads and browsers without gzip get the bytes as they are."""

from __future__ import annotations

import gzip
import io
import re

import pytest
from django.http import FileResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from primero_ro.middleware import CompressPagesMiddleware

pytestmark = pytest.mark.django_db


def test_the_registration_form_comes_compressed_with_its_headers(client, worker_tm):
    client.force_login(worker_tm)
    plain = client.get("/register/")
    packed = client.get("/register/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert 'id="registration-form"' in page
    assert 'name="nationality"' in page
    # The browser still gets the strict policy and never stores the page.
    assert "script-src 'self'" in packed["Content-Security-Policy"]
    assert "no-store" in packed["Cache-Control"]
    # Any nonce in the page is the one the policy allows.
    for nonce in re.findall(r'nonce="([^"]+)"', page):
        assert f"'nonce-{nonce}'" in packed["Content-Security-Policy"]
    # The form is less than half its size on the wire (issue 14: at most 40 KB).
    assert len(packed.content) < 40_000 < len(plain.content)


def test_a_spreadsheet_download_is_sent_as_it_is(client, coord_tm):
    client.force_login(coord_tm)
    response = client.get("/import/template.xlsx", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "children" in workbook.sheetnames


def test_a_csv_download_is_compressed_and_reads_the_same(client, coord_tm):
    client.force_login(coord_tm)
    plain = client.get("/import/template/children.csv")
    packed = client.get("/import/template/children.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Disposition"] == plain["Content-Disposition"]
    body = gzip.decompress(packed.content) if packed.get("Content-Encoding") else packed.content
    assert body == plain.content


def test_a_file_response_streams_untouched_with_its_length():
    data = b"%PDF-1.7 " + bytes(range(256)) * 40
    middleware = CompressPagesMiddleware(
        lambda request: FileResponse(
            io.BytesIO(data), as_attachment=True, filename="r.pdf", content_type="application/pdf"
        )
    )
    response = middleware(RequestFactory().get("/x", HTTP_ACCEPT_ENCODING="gzip"))
    assert "Content-Encoding" not in response
    assert int(response["Content-Length"]) == len(data)
    assert b"".join(response.streaming_content) == data
