"""A coordinator uploads a spreadsheet with errors, sees the lines, fixes it and imports it."""

from pathlib import Path

import pytest
import pyzipper
from django.conf import settings

from cases.models import Child
from imports.columns import CAREGIVER_COLUMNS, CHILD_COLUMNS
from tests.imports.helpers import caregiver_row, child_row, to_csv
from tests.personas import make_user

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at


def _login(context, client, user, live_server):
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_fixes_a_file_and_imports_it(
    lookups_loaded, live_server, browser, client, tmp_path
):
    SHOTS.mkdir(exist_ok=True)
    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    children = [child_row(f"TM-{i}") for i in range(1, 6)]
    broken = [dict(r) for r in children]
    broken[1]["date_of_birth"] = "2001-04-05"  # an adult
    broken[3]["current_county"] = "RO-SV"  # another county
    broken[4]["entry_point"] = "NOWHERE"
    names = [c.name for c in CHILD_COLUMNS]
    (tmp_path / "broken.csv").write_bytes(to_csv(broken, names))
    (tmp_path / "children.csv").write_bytes(to_csv(children, names))
    (tmp_path / "caregivers.csv").write_bytes(
        to_csv([caregiver_row()], [c.name for c in CAREGIVER_COLUMNS])
    )

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    _login(context, client, coord, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Children (children.csv or a workbook)").set_input_files(
        str(tmp_path / "broken.csv")
    )
    page.get_by_label("Caregivers (caregivers.csv)").set_input_files(
        str(tmp_path / "caregivers.csv")
    )
    page.get_by_role("button", name="Check the files").click()

    alert = page.locator(".message.error")
    assert "3 errors: nothing was imported" in alert.inner_text()
    rows = page.locator("table.import-errors tbody tr")
    assert rows.count() == 3
    lines = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)]
    assert lines == ["3", "5", "6"]
    assert "must be under 18 on the date of the interview" in rows.nth(0).inner_text()
    assert "Outside your county" in rows.nth(1).inner_text()
    assert "NOWHERE" in rows.nth(2).inner_text()
    assert page.get_by_role("button", name="Import").count() == 0
    page.screenshot(path=str(SHOTS / "import-errors.png"), full_page=True)
    assert not Child.objects.exists()

    page.get_by_role("link", name="Upload other files").click()
    page.get_by_label("Children (children.csv or a workbook)").set_input_files(
        str(tmp_path / "children.csv")
    )
    page.get_by_label("Caregivers (caregivers.csv)").set_input_files(
        str(tmp_path / "caregivers.csv")
    )
    page.get_by_role("button", name="Check the files").click()
    assert "5 new records, 0 changed, 0 unchanged" in page.locator("#job-status").inner_text()
    page.screenshot(path=str(SHOTS / "import-preview.png"), full_page=True)
    page.get_by_role("button", name="Import").click()
    assert "Imported on" in page.locator(".message.success").inner_text()
    page.screenshot(path=str(SHOTS / "import-done.png"), full_page=True)
    assert Child.objects.filter(current_county_id="RO-TM").count() == 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_exports_the_county_and_reimports_it_unchanged(
    lookups_loaded, live_server, browser, client, tmp_path
):
    """The "done when" of issue 7: export the county, re-import the export, no change —
    with two referrals of one child for the same service on the same day, and a stored
    record missing a conditional answer (kept before the rule)."""
    from imports.services import run_import
    from referrals.models import Referral
    from tests.imports.helpers import referral_row, sources

    SHOTS.mkdir(exist_ok=True)
    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    result = run_import(
        sources(
            [child_row(f"TM-{i}") for i in range(1, 4)],
            [caregiver_row()],
            [referral_row("TM-1")],
        ),
        coord,
    )
    assert result.ok, result.issues
    first = Referral.objects.get()
    Referral.objects.create(
        child=first.child,
        service_type=first.service_type,
        referred_on=first.referred_on,
        status="accepted",
        created_by=coord,
        updated_by=coord,
    )
    Child.objects.filter(record_ref="TM-2").update(risk_level="high", risk_justification="")

    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="en-GB", accept_downloads=True
    )
    _login(context, client, coord, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/cases/")
    # The export is an encrypted archive whose password is shown once, on the page.
    page.get_by_role("link", name="XLSX", exact=True).click()
    page.get_by_role("button", name="Make the encrypted export (XLSX)").click()
    password = page.locator(".export-password code").inner_text().strip()
    with page.expect_download() as download:
        page.locator("a.button.primary", has_text="Download").click()
    archive_path = tmp_path / "export.zip"
    download.value.save_as(archive_path)
    with pyzipper.AESZipFile(archive_path) as archive:
        archive.setpassword(password.encode())
        (name,) = archive.namelist()
        path = tmp_path / "export.xlsx"
        path.write_bytes(archive.read(name))

    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Children (children.csv or a workbook)").set_input_files(str(path))
    page.get_by_role("button", name="Check the files").click()
    status = page.locator("#job-status").inner_text()
    page.screenshot(path=str(SHOTS / "qa7-roundtrip-preview.png"), full_page=True)
    assert "0 new records, 0 changed, 3 unchanged" in status
    assert "0 new records, 0 changed, 2 unchanged" in status
    page.get_by_role("button", name="Import").click()
    assert "Imported on" in page.locator(".message.success").inner_text()
    assert Referral.objects.count() == 2
    assert Child.objects.count() == 3
