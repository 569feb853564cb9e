"""The access matrix over every URL pattern of the resolver (roles.md).

For each pattern and each persona (columns: tests.url_inventory.PERSONAS — the field
worker who carries the Timiș case, another Timiș field worker, the Timiș coordinator,
a Suceava field worker and coordinator, the country coordinator) the status of a GET and
of a forged POST (the data a user allowed to act would send), every object in Timiș.
A refused POST (403, 404, 405) changes no row. A pattern added to the resolver without a
line here fails `test_every_url_pattern_has_an_entry`.

Read a line as roles.md does: 404 where the object does not exist for that user (a case
or a user of another county), 403 where the user sees it but their role may not act,
405 for the wrong method, 302 for a redirect after a done action or to the login page.
Django's admin is for staff only: every admin URL sends these personas (none is staff)
to the admin login.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.url_inventory import PERSONAS, all_patterns, build_world, path_of, real_kwargs

pytestmark = pytest.mark.django_db

# name: (GET per persona, forged POST per persona, POST data)
# "WORKER2" in data is replaced by worker2.tm's id.
MATRIX: dict[str, tuple[str, str, dict]] = {
    "home": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "health": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    # Offline registration (docs/offline.md): the service worker and the manifest are
    # public (the browser fetches them without the session; they name no one).
    "service_worker": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "manifest": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "login": ("302 302 302 302 302 302", "302 302 302 302 302 302", {}),
    "logout": ("405 405 405 405 405 405", "302 302 302 302 302 302", {}),
    "password_change": ("200 200 200 200 200 200", "200 200 200 200 200 200", {}),
    "password_change_done": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "user_list": ("403 403 200 403 200 200", "405 405 405 405 405 405", {}),
    "user_create": (
        "403 403 200 403 200 200",
        "403 403 200 403 200 200",
        {
            "username": "forged.tm",
            "role": "field_worker",
            "county": "RO-TM",
            "new_password1": "a-long-forged-password-9",
            "new_password2": "a-long-forged-password-9",
        },
    ),
    "user_detail": ("403 403 200 403 404 200", "405 405 405 405 405 405", {}),
    "user_edit": (
        "403 403 200 403 404 200",
        "403 403 302 403 404 302",
        {"first_name": "Forged", "role": "field_worker", "county": "RO-TM"},
    ),
    "user_set_active": ("405 405 405 405 405 405", "403 403 302 403 404 302", {"active": "0"}),
    "user_password": (
        "403 403 200 403 404 200",
        "403 403 302 403 404 302",
        {"new_password1": "a-long-forged-password-9", "new_password2": "a-long-forged-password-9"},
    ),
    "user_unlock": ("405 405 405 405 405 405", "403 403 302 403 404 302", {}),
    "two_factor": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "two_factor_backup_codes": ("405 405 405 405 405 405", "403 403 200 403 200 200", {}),
    # The second step sends a user who passed it (or needs none) on: 302.
    "two_factor_verify": ("302 302 302 302 302 302", "302 302 302 302 302 302", {}),
    "two_factor_enrol": ("302 302 302 302 302 302", "302 302 302 302 302 302", {}),
    "user_reset_two_factor": ("405 405 405 405 405 405", "403 403 403 403 404 302", {}),
    "set_language": ("405 405 405 405 405 405", "302 302 302 302 302 302", {"language": "uk"}),
    "profile": ("200 200 200 200 200 200", "200 200 200 200 200 200", {}),
    "cases:todo": ("200 200 403 200 403 403", "405 405 405 405 405 405", {}),
    "cases:anonymisation_requests": ("403 403 403 403 403 200", "405 405 405 405 405 405", {}),
    "cases:anonymise": (
        "403 404 200 404 404 200",
        "403 404 200 404 404 200",
        {"reason": "family_request"},
    ),
    "cases:approve_anonymisation": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "cases:refuse_anonymisation": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "cases:subject_access": ("403 404 200 404 404 200", "405 405 405 405 405 405", {}),
    # No grant or export in the world: their codes name nothing (tests/emergency and
    # tests/imports/test_safe_export.py test who may open a real one).
    "imports:export_download": ("403 403 404 403 404 404", "403 403 405 403 405 405", {}),
    "emergency:list": ("403 403 200 403 200 200", "405 405 405 405 405 405", {}),
    "emergency:request": (
        "200 200 200 200 200 403",
        "400 400 400 400 400 403",
        {"code": "CODE", "reason": "forged"},
    ),
    "emergency:review": (
        "403 403 404 403 404 404",
        "403 403 404 403 404 404",
        {"decision": "accepted"},
    ),
    "information:sheet": ("302 302 302 302 302 302", "405 405 405 405 405 405", {}),
    "information:edit": (
        "403 403 403 403 403 200",
        "403 403 403 403 403 400",
        {"title_en": "Forged"},
    ),
    "information:sheet_lang": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "cases:list": ("200 200 200 200 200 200", "302 302 302 302 302 302", {"q": "x"}),
    "cases:caseload": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "cases:overdue": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "cases:transfers": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "cases:follow_up": (
        "200 404 200 404 404 200",
        "200 404 200 404 404 200",
        {"done_on": "2026-01-01", "contact_type": "phone", "notes": "x", "risk_level": "low"},
    ),
    "cases:assessment": (
        "200 404 200 404 404 200",
        "200 404 200 404 404 200",
        {"risk_level": "low", "summary": "x"},
    ),
    "cases:close": (
        "200 404 200 404 404 200",
        "200 404 200 404 404 200",
        {"closure_reason": "needs_met", "closed_on": "2026-01-01"},
    ),
    "cases:approve_closure": ("405 405 405 405 405 405", "403 404 302 404 404 302", {}),
    "cases:reject_closure": ("405 405 405 405 405 405", "403 404 302 404 404 302", {"note": "no"}),
    "cases:withdraw_closure": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "cases:reopen": ("403 404 403 404 404 403", "403 404 403 404 404 403", {"reason": "forged"}),
    "cases:assign": ("403 404 200 404 404 200", "403 404 302 404 404 302", {"worker": "WORKER2"}),
    "cases:transfer": (
        "200 404 200 404 404 200",
        "302 404 302 404 404 302",
        {"to_county": "RO-SV", "reason": "The family moved."},
    ),
    "cases:accept_transfer": ("404 404 404 404 404 404", "404 404 404 404 404 404", {}),
    "cases:refuse_transfer": ("405 405 405 405 405 405", "404 404 404 404 404 404", {"note": "no"}),
    "cases:cancel_transfer": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "cases:share": ("403 404 200 404 404 200", "403 404 200 404 404 200", {"user": "WORKER2"}),
    "cases:unshare": ("405 405 405 405 405 405", "403 404 302 404 404 302", {"user": "WORKER2"}),
    "cases:edit": (
        "200 404 200 404 404 200",
        "200 404 200 404 404 200",
        {"first_name": "Forged", "version": "1"},
    ),
    "cases:detail": ("200 404 200 404 404 200", "405 405 405 405 405 405", {}),
    "registration:register": ("200 200 200 200 200 200", "200 200 200 200 200 200", {}),
    "registration:duplicates": ("405 405 405 405 405 405", "200 200 200 200 200 200", {}),
    "registration:done": ("200 404 200 404 404 200", "405 405 405 405 405 405", {}),
    "registration:offline_form": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    # The offline queue's JSON (docs/offline-server.md): every role registers; a forged
    # send without a key is refused (200 with status "refused") and stores nothing.
    "registration:offline_send": ("405 405 405 405 405 405", "200 200 200 200 200 200", {}),
    "registration:offline_state": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "referrals:list": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "referrals:providers": ("200 200 200 200 200 200", "405 405 405 405 405 405", {}),
    "referrals:provider_create": (
        "403 403 200 403 200 200",
        "403 403 302 403 200 302",
        {"name": "Forged", "kind": "private", "county": "RO-TM", "service_types": "mhpss"},
    ),
    "referrals:provider_edit": (
        "403 403 200 403 403 200",
        "403 403 302 403 403 302",
        {"name": "Forged", "kind": "private", "county": "RO-TM", "service_types": "mhpss"},
    ),
    "referrals:provider_set_active": (
        "405 405 405 405 405 405",
        "403 403 302 403 403 302",
        {"active": "0"},
    ),
    "referrals:refer": (
        "200 404 200 404 404 200",
        "200 404 200 404 404 200",
        {"service_type": "health", "referred_on": "2026-01-01", "reason": "x"},
    ),
    "referrals:record_consent": (
        "405 405 405 405 405 405",
        "302 404 302 404 404 302",
        {"confirm": "yes"},
    ),
    "referrals:detail": ("200 404 200 404 404 200", "405 405 405 405 405 405", {}),
    "referrals:set_provider": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "referrals:accept": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "referrals:decline": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "referrals:complete": ("405 405 405 405 405 405", "302 404 302 404 404 302", {}),
    "referrals:summary": ("200 404 200 404 404 200", "405 405 405 405 405 405", {}),
    "reporting:list": ("403 403 200 403 200 200", "403 403 405 403 405 405", {}),
    "reporting:request": (
        "403 403 405 403 405 405",
        "403 403 302 403 400 302",
        {"period": "2025Q4", "county": "RO-TM", "variant": "full", "language": "ro"},
    ),
    "reporting:detail": ("403 403 200 403 404 200", "403 403 405 403 405 405", {}),
    "reporting:progress": ("403 403 200 403 404 200", "403 403 405 403 405 405", {}),
    "reporting:download": ("403 403 404 403 404 404", "403 403 405 403 405 405", {}),
    "reporting:retry": ("403 403 405 403 405 405", "403 403 302 403 404 302", {}),
    "imports:index": ("403 403 200 403 200 200", "403 403 400 403 400 400", {}),
    "imports:template_xlsx": ("403 403 200 403 200 200", "403 403 405 403 405 405", {}),
    "imports:template_csv": ("403 403 200 403 200 200", "403 403 405 403 405 405", {}),
    "imports:export_csv": ("403 403 200 403 200 200", "403 403 200 403 200 200", {}),
    "imports:export_xlsx": ("403 403 200 403 200 200", "403 403 200 403 200 200", {}),
    "imports:job": ("403 403 200 403 404 200", "403 403 405 403 405 405", {}),
    "imports:confirm": ("403 403 405 403 405 405", "403 403 302 403 404 302", {}),
    "imports:errors_csv": ("403 403 200 403 404 200", "403 403 405 403 405 405", {}),
    "audit:list": ("403 403 200 403 200 200", "405 405 405 405 405 405", {}),
}
# Pages that answer a signed-out visitor (everything else sends them to the login page).
# The information sheet for families is public (issue 15): no login, for the QR code.
PUBLIC = {
    "health",
    "service_worker",
    "manifest",
    "login",
    "logout",
    "set_language",
    "information:sheet",
    "information:sheet_lang",
}
REFUSED = {"403", "404", "405"}
# The offline queue's JSON endpoints answer a signed-out browser 403 {"status": "login"}
# on their method (the queue keeps its entries and asks for a login), 405 on the other.
JSON_LOGIN = {"registration:offline_send": "post", "registration:offline_state": "get"}


def _fingerprint() -> list:
    """Every row a forged POST could change (not the audit log, sessions or last_login)."""
    from accounts.models import User
    from cases.models import Child, ClosureRequest, Transfer
    from cases.models.followup import FollowUp
    from cases.models.sharing import ChildUserObjectPermission
    from imports.models import ImportJob
    from referrals.models import Referral, ServiceProvider
    from reporting.models import ReportSnapshot

    rows = []
    for model in (
        Child,
        ClosureRequest,
        Transfer,
        FollowUp,
        ChildUserObjectPermission,
        Referral,
        ServiceProvider,
        ReportSnapshot,
        ImportJob,
    ):
        rows.append(sorted(map(repr, model.objects.values_list())))
    rows.append(
        sorted(
            map(
                repr,
                User.objects.values_list(
                    "username", "role", "county", "is_active", "password", "first_name"
                ),
            )
        )
    )
    return rows


def test_every_url_pattern_has_an_entry():
    names = {p.name for p in all_patterns() if not p.is_admin}
    assert names - set(MATRIX) == set(), "new URL patterns without an access-matrix entry"
    assert set(MATRIX) - names == set(), "access-matrix entries for patterns that are gone"


@pytest.fixture
def world(worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country):
    return build_world(worker_tm, worker2_tm, coord_tm)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_what_roles_md_gives(client, request, world, worker2_tm, name):
    pattern = next(p for p in all_patterns() if p.name == name)
    url = path_of(pattern, real_kwargs(pattern, world))
    get_codes, post_codes, data = MATRIX[name]
    data = {k: (str(worker2_tm.pk) if v == "WORKER2" else v) for k, v in data.items()}
    client.raise_request_exception = False
    wrong = []
    for persona, want_get, want_post in zip(
        PERSONAS, get_codes.split(), post_codes.split(), strict=True
    ):
        # Each persona meets the world as it was built: what another one did is undone.
        with transaction.atomic():
            client.force_login(request.getfixturevalue(persona))
            got_get = str(client.get(url).status_code)
            before = _fingerprint()
            got_post = str(client.post(url, data).status_code)
            changed = want_post in REFUSED and _fingerprint() != before
            transaction.set_rollback(True)
        if (got_get, got_post) != (want_get, want_post) or changed:
            wrong.append(
                f"{persona}: GET {got_get} (want {want_get}), POST {got_post} (want {want_post}){' CHANGED ROWS' if changed else ''}"
            )
    assert not wrong, f"{name} {url}\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(set(MATRIX) - PUBLIC - set(JSON_LOGIN)))
def test_a_signed_out_visitor_is_sent_to_the_login_page(client, world, name):
    pattern = next(p for p in all_patterns() if p.name == name)
    url = path_of(pattern, real_kwargs(pattern, world))
    before = _fingerprint()
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert _fingerprint() == before


@pytest.mark.parametrize("name", sorted(JSON_LOGIN))
def test_a_signed_out_browser_is_told_to_log_in_by_the_json_endpoints(client, world, name):
    pattern = next(p for p in all_patterns() if p.name == name)
    url = path_of(pattern, real_kwargs(pattern, world))
    before = _fingerprint()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if method == JSON_LOGIN[name]:
            assert response.status_code == 403
            assert response.json() == {"status": "login"}
        else:
            assert response.status_code == 405
    assert _fingerprint() == before


def test_every_admin_url_sends_a_non_staff_user_to_the_admin_login(client, request, world):
    admin_patterns = [p for p in all_patterns() if p.is_admin]
    assert len(admin_patterns) > 50
    kwargs = {p.name: real_kwargs(p, world) for p in admin_patterns}
    for persona in PERSONAS:
        client.force_login(request.getfixturevalue(persona))
        before = _fingerprint()
        for pattern in admin_patterns:
            url = path_of(pattern, kwargs[pattern.name])
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if pattern.name in ("admin:login", "admin:logout"):
                    # The admin login says the user is not authorised; logout signs out.
                    assert response.status_code in (200, 302, 405), (persona, method, url)
                    client.force_login(request.getfixturevalue(persona))
                    continue
                assert response.status_code == 302, (persona, method, url, response.status_code)
                assert response["Location"].startswith("/admin/login/"), (persona, url)
        assert _fingerprint() == before
