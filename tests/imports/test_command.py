"""python manage.py import_registrations"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cases.models import Child
from tests.imports.helpers import caregiver_row, child_row, sources


def _write(tmp_path, children, caregivers=None):
    files = sources(children, caregivers)
    paths = {}
    for file, source in files.items():
        path = tmp_path / f"{file}.csv"
        path.write_bytes(source.data)
        paths[file] = str(path)
    return paths


@pytest.mark.django_db
def test_import_then_reimport(tmp_path, country, capsys):
    paths = _write(tmp_path, [child_row()], [caregiver_row()])
    args = [f"--children={paths['children']}", f"--caregivers={paths['caregivers']}"]
    call_command("import_registrations", *args)
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("imported as country: children: 1 new, 0 changed, 0 unchanged")
    child = Child.objects.get()
    assert child.history.first().history_user == country
    call_command("import_registrations", *args)
    assert "children: 0 new, 0 changed, 1 unchanged" in capsys.readouterr().out


@pytest.mark.django_db
def test_errors_exit_non_zero_and_write_nothing(tmp_path, country, capsys):
    paths = _write(
        tmp_path, [child_row(sex="x"), child_row("B", entry_date="2020-01-01")], [caregiver_row()]
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_registrations",
            f"--children={paths['children']}",
            f"--caregivers={paths['caregivers']}",
        )
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "children:2 [sex] 'x': Unknown code for the list sex." in err
    assert (
        "children:3 [entry_date] '2020-01-01': The date cannot be before 24 February 2022." in err
    )
    assert "2 error(s): nothing imported" in err
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_dry_run(tmp_path, country, capsys):
    paths = _write(tmp_path, [child_row()], [caregiver_row()])
    call_command(
        "import_registrations",
        f"--children={paths['children']}",
        f"--caregivers={paths['caregivers']}",
        "--dry-run",
    )
    assert "would import as country: children: 1 new" in capsys.readouterr().out
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_user_option_and_scope(tmp_path, coord_sv, worker_tm, country):
    paths = _write(tmp_path, [child_row()], [caregiver_row()])
    args = [f"--children={paths['children']}", f"--caregivers={paths['caregivers']}"]
    with pytest.raises(CommandError, match="not a coordinator"):
        call_command("import_registrations", *args, "--user=worker.tm")
    with pytest.raises(SystemExit):
        call_command("import_registrations", *args, "--user=coord.sv")
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_no_country_coordinator(tmp_path):
    paths = _write(tmp_path, [child_row()], [caregiver_row()])
    with pytest.raises(CommandError, match="No country coordinator"):
        call_command("import_registrations", f"--children={paths['children']}")


@pytest.mark.django_db
def test_too_big_file(tmp_path, country, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    path = tmp_path / "children.csv"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="larger than 1024 bytes"):
        call_command("import_registrations", f"--children={path}")
