"""python manage.py quarterly_report: the same engine, synchronously, to a file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from reporting.engine import compute_report
from tests.reporting import dataset


@pytest.fixture
def data(worker_tm, worker_sv):
    return dataset.build(worker_tm, worker_sv)


def without_time(doc):
    return {k: v for k, v in doc.items() if k != "generated_at"}


def test_json_is_the_engine_document(data, tmp_path):
    out = tmp_path / "q.json"
    stdout = io.StringIO()
    call_command(
        "quarterly_report",
        "2023Q4",
        "--county",
        "RO-TM",
        "--format",
        "json",
        "--output",
        str(out),
        stdout=stdout,
    )
    written = json.loads(out.read_text("utf-8"))
    assert without_time(written) == without_time(compute_report("2023Q4", "RO-TM", "full"))
    assert written["tables"]["totals"]["rows"][0] == {
        "measure": "children_registered",
        "cumulative": 5,
        "in_quarter": 3,
    }
    summary = stdout.getvalue()
    assert "2023Q4 RO-TM full json" in summary
    assert "children registered: 5" in summary


def test_public_json(data, tmp_path):
    out = tmp_path / "p.json"
    call_command("quarterly_report", "2023Q4", "--public", "--format", "json", "--output", str(out))
    doc = json.loads(out.read_text("utf-8"))
    assert doc["variant"] == "public"
    assert "closures_by_reason" not in doc["tables"]
    assert all("cumulative_suppressed" in r for t in doc["tables"].values() for r in t["rows"])


def read_blocks(data: bytes) -> dict[str, list[list[str]]]:
    """{table name: [header, rows...]} and "_meta" for the leading lines."""
    text = data.decode("utf-8-sig")
    blocks: dict[str, list[list[str]]] = {"_meta": []}
    current = "_meta"
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if row[0] == "table" and len(row) == 2:
            current = row[1]
            blocks[current] = []
            continue
        blocks[current].append(row)
    return blocks


def test_csv_one_block_per_table_with_codes_and_labels(data, tmp_path):
    out = tmp_path / "q.csv"
    call_command(
        "quarterly_report", "2023Q4", "--language", "ro", "--format", "csv", "--output", str(out)
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    blocks = read_blocks(raw)
    assert dict(blocks["_meta"])["period"] == "2023Q4"
    assert dict(blocks["_meta"])["language"] == "ro"
    assert list(blocks)[1:] == list(compute_report("2023Q4", None, "full")["tables"])
    header, *rows = blocks["by_county_sex"]
    assert header == ["county", "sex", "county_label", "sex_label", "cumulative", "in_quarter"]
    assert ["RO-TM", "female", "Timiș", "Feminin", "3", "1"] in rows
    totals = {r[0]: r for r in blocks["totals"][1:]}
    assert totals["cases_open"][-2:] == ["6", ""]  # in_quarter null: an empty cell
    assert blocks["entry_points"][1][:3] == [
        "INLAND",
        "Înregistrat în interiorul țării după sosire",
        "5",
    ]


def test_csv_in_ukrainian_and_public_flags(data, tmp_path):
    out = tmp_path / "q.csv"
    call_command(
        "quarterly_report",
        "2023Q4",
        "--public",
        "--language",
        "uk",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    blocks = read_blocks(out.read_bytes())
    header, *rows = blocks["disability_by_sex"]
    assert header[-2:] == ["cumulative_suppressed", "in_quarter_suppressed"]
    assert rows == [["female", "Жіноча", "", "", "true", "true"]]


@pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "reporting" / "pdf.py").exists(), reason="no PDF renderer yet"
)
def test_pdf(data, tmp_path):
    out = tmp_path / "q.pdf"
    call_command("quarterly_report", "2023Q4", "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_bad_period_and_county_are_command_errors(db, tmp_path):
    with pytest.raises(CommandError, match="2023Q5"):
        call_command(
            "quarterly_report", "2023Q5", "--format", "json", "--output", str(tmp_path / "x")
        )
    with pytest.raises(CommandError, match="RO-XX"):
        call_command(
            "quarterly_report",
            "2023Q4",
            "--county",
            "RO-XX",
            "--format",
            "json",
            "--output",
            str(tmp_path / "x"),
        )
    assert not (tmp_path / "x").exists()


def manage(*args, env_extra=None):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "LANGUAGE_CODE": "en",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        **(env_extra or {}),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "quarterly_report", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_status_1_with_a_clear_message(db, tmp_path):
    result = manage("2023-Q4", "--format", "json", "--output", str(tmp_path / "x"))
    assert result.returncode == 1
    assert "expected YYYYQn" in result.stderr
    result = manage(
        "2023Q4", "--county", "RO-XX", "--format", "json", "--output", str(tmp_path / "x")
    )
    assert result.returncode == 1
    assert "Unknown county 'RO-XX'" in result.stderr
