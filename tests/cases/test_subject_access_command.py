"""manage.py subject_access CASE_CODE --output FILE: PDF or JSON, audited, clear errors."""

from __future__ import annotations

import json
import subprocess

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.cases._erasure import FIRST, personal_case
from tests.cases._workflow import events
from tests.foundation.test_settings_env import run_python

pytestmark = pytest.mark.django_db


def run(*argv: str) -> tuple[int, str]:
    """The exit status manage.py gives (a CommandError's returncode) and its message."""
    with pytest.raises(CommandError) as error:
        call_command("subject_access", *argv)
    return error.value.returncode, str(error.value)


def test_json_and_pdf_files_are_written_and_audited(worker_tm, tmp_path, capsys):
    child = personal_case(worker_tm)
    out = tmp_path / "child.json"
    call_command("subject_access", child.code, "--output", str(out), "--language", "en")
    doc = json.loads(out.read_text())
    assert doc["case"] == child.code
    assert any(q["value"] == FIRST for s in doc["answers"] for q in s["questions"])
    assert f"Wrote everything held about {child.code}" in capsys.readouterr().out
    pdf = tmp_path / "child.pdf"
    call_command("subject_access", child.code.lower(), "--output", str(pdf), "--language", "ro")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert FIRST in text and "Toate datele deținute despre cazul" in text
    exports = events(child, "export", export="subject_access")
    assert sorted(exports.values_list("details__format", flat=True)) == ["json", "pdf"]
    assert set(exports.values_list("username", flat=True)) == {"command line"}


@pytest.mark.django_db(transaction=True)
def test_unknown_code_is_a_clear_error_and_exit_1(tmp_path):
    out = tmp_path / "x.json"
    db = settings.DATABASES["default"]
    result = run_python(
        ["manage.py", "subject_access", "C-NOPE", "--output", str(out)],
        DEBUG="true",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    )
    assert result.returncode == 1
    assert "CommandError: No case 'C-NOPE' (unknown, or out of scope)." in result.stderr
    assert not out.exists()


def test_out_of_scope_for_the_given_user_is_the_same_error(worker_tm, coord_sv, tmp_path):
    child = personal_case(worker_tm)
    out = tmp_path / "x.json"
    status, message = run(child.code, "--output", str(out), "--user", coord_sv.username)
    assert (status, message) == (1, f"No case '{child.code}' (unknown, or out of scope).")
    assert not out.exists() and not events(child, "export").exists()


def test_bad_output_name_and_unknown_user_are_clear_errors(worker_tm, tmp_path):
    child = personal_case(worker_tm)
    status, message = run(child.code, "--output", str(tmp_path / "x.txt"))
    assert status == 1 and "expected a .pdf or .json file name" in message
    status, message = run(child.code, "--output", str(tmp_path / "x.pdf"), "--user", "nobody")
    assert status == 1 and "no active user 'nobody'" in message
    status, message = run(child.code, "--output", str(tmp_path / "missing" / "x.json"))
    assert status == 1 and "cannot write" in message
