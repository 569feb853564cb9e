"""After a transfer the old county loses the case on every URL (issue 10, item 4).

Each URL of the resolver that takes a code is either about a case (a case code, or the
code of one of its referrals) or listed below as about something else; a new URL that
takes a case code is therefore covered without anyone adding it here, and a new URL
whose code is neither fails `test_every_url_with_a_code_is_classified` until it is
classified.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import Child
from cases.services.assignment import assign_case
from cases.services.transfer import transfer_case
from referrals.models import Referral
from registration.models import PendingSibling
from tests.registration.helpers import post_data, with_children

pytestmark = pytest.mark.django_db

# URLs that take a code of something that is not a case (nor one of its referrals).
NOT_ABOUT_A_CASE = {
    "user_detail": "a user account (accounts.User.manageable_by)",
    "user_edit": "a user account",
    "user_set_active": "a user account",
    "user_password": "a user account",
    "user_unlock": "a user account",
    "user_reset_two_factor": "a user account",
    "referrals:provider_edit": "a service provider of the directory",
    "referrals:provider_set_active": "a service provider of the directory",
    "reporting:detail": "a statistics report (county scope)",
    "reporting:progress": "a statistics report",
    "reporting:download": "a statistics report",
    "reporting:retry": "a statistics report",
    "imports:template_csv": "the blank import template",
    "imports:job": "an import job (county scope)",
    "imports:confirm": "an import job",
    "imports:errors_csv": "an import job",
    "emergency:review": "an emergency access grant (county scope)",
    "imports:export_download": "an encrypted export (its maker only)",
    "information:sheet_lang": "a language of the public information sheet",
    "registration:offline_form": "a language of the blank registration page kept offline",
    "cases:todo": "a to-do list of the user (each list is scoped: tests/cases/test_todo.py)",
}
# Namespaces whose `code` is a case code, and those whose `code` is a referral code.
CASE_NAMESPACES = {"cases", "registration"}
REFERRAL_NAMESPACES = {"referrals"}
# Values for the other parts of a case URL.
EXTRA_KWARGS = {"section": "B", "fmt": "pdf"}


def _walk(patterns, namespace: str = "", params: tuple = ()):
    for pattern in patterns:
        names = params + tuple(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, names)
        elif isinstance(pattern, URLPattern) and pattern.name and names:
            yield f"{namespace}{pattern.name}", names


def urls_with_a_code() -> dict[str, tuple[str, ...]]:
    return {
        name: params
        for name, params in _walk(get_resolver().url_patterns)
        if not name.startswith("admin:")  # superusers' admin: lookups and users only
    }


def kind_of(name: str, params: tuple[str, ...]) -> str | None:
    """ "case", "referral", "other", or None when nobody has said."""
    if name in NOT_ABOUT_A_CASE:
        return "other"
    namespace = name.split(":")[0] if ":" in name else ""
    if "case_code" in params or (namespace in CASE_NAMESPACES and "code" in params):
        return "case"
    if namespace in REFERRAL_NAMESPACES and "code" in params:
        return "referral"
    return None


CASE_URLS = sorted(
    (name, params)
    for name, params in urls_with_a_code().items()
    if kind_of(name, params) in ("case", "referral")
)


def test_every_url_with_a_code_is_classified():
    unclassified = [n for n, p in urls_with_a_code().items() if kind_of(n, p) is None]
    assert unclassified == [], "say whether these take a case code (see NOT_ABOUT_A_CASE)"
    for name, params in CASE_URLS:
        unknown = set(params) - {"code", "case_code"} - set(EXTRA_KWARGS)
        assert not unknown, f"{name}: give a value for {unknown} in EXTRA_KWARGS"


def test_the_case_urls_include_the_pages_of_the_issue():
    names = {name for name, _params in CASE_URLS}
    assert {
        "cases:detail",
        "cases:edit",
        "cases:follow_up",
        "cases:close",
        "registration:done",
        "referrals:refer",
        "referrals:detail",
    } <= names


@pytest.fixture
def moved(client, worker_tm, worker2_tm, coord_tm, country):
    """A household registered in Timiș by worker.tm in the browser (one child named for
    later, a referral made at registration), assigned to worker2.tm, then moved to Suceava
    by the country coordinator."""
    client.force_login(worker_tm)
    rows = [
        {
            "first_name": "Mykola",
            "last_name": "Shevchenko",
            "sex": "male",
            "date_of_birth": "2019-01-02",
            "relationship": "mother",
        }
    ]
    data = with_children(post_data(services_needed=["mhpss"]), rows)
    response = client.post("/register/", data)
    assert response.status_code == 302
    child = Child.objects.get(code=response["Location"].rstrip("/").split("/")[-1])
    assign_case(child, coord_tm, worker2_tm)
    before = {
        "done": client.get(reverse("registration:done", kwargs={"code": child.code})),
        "after": client.get(reverse("registration:register"), {"after": child.code}),
        "detail": client.get(child.get_absolute_url()),
    }
    assert {k: r.status_code for k, r in before.items()} == dict.fromkeys(before, 200)
    assert "Shevchenko" in before["done"].content.decode()
    assert "Str. Exemplu 1" in before["after"].content.decode()
    transfer_case(Child.objects.get(pk=child.pk), country, "RO-SV")
    client.logout()
    return Child.objects.get(pk=child.pk)


def url_for(name: str, params: tuple[str, ...], child: Child) -> str:
    kwargs = {p: v for p, v in EXTRA_KWARGS.items() if p in params}
    if kind_of(name, params) == "referral":
        kwargs["code"] = Referral.objects.filter(child=child).first().code
    else:
        kwargs["case_code" if "case_code" in params else "code"] = child.code
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", ["worker_tm", "worker2_tm", "coord_tm"])
@pytest.mark.parametrize(("name", "params"), CASE_URLS, ids=[n for n, _p in CASE_URLS])
def test_the_old_county_gets_404_after_the_transfer(client, request, moved, persona, name, params):
    """GET and a forged POST: 404 (or 405 where the method is not one of the page's)."""
    url = url_for(name, params, moved)
    client.force_login(request.getfixturevalue(persona))
    get, post = client.get(url).status_code, client.post(url, {}).status_code
    assert get in (404, 405) and post in (404, 405), (get, post)
    assert 404 in (get, post)


# Pages that answer 404 to anybody while the case is not in that state.
STATE_DEPENDENT = {
    "cases:accept_transfer": "no transfer is waiting",
    "cases:refuse_transfer": "no transfer is waiting",
    "cases:cancel_transfer": "no transfer is waiting",
    "cases:approve_closure": "no closure is waiting",
    "cases:reject_closure": "no closure is waiting",
    "cases:withdraw_closure": "no closure is waiting",
}


@pytest.mark.parametrize(("name", "params"), CASE_URLS, ids=[n for n, _p in CASE_URLS])
def test_the_receiving_county_reaches_the_same_urls(client, coord_sv, moved, name, params):
    """The 404s above are about scope: the same URLs answer the case's new county."""
    if name in STATE_DEPENDENT:
        pytest.skip(STATE_DEPENDENT[name])
    client.force_login(coord_sv)
    url = url_for(name, params, moved)
    get = client.get(url).status_code
    post = 405 if get == 200 else client.post(url, {}).status_code
    assert 404 not in (get, post), (get, post)


def test_the_registering_worker_gets_404_on_the_confirmation_and_the_prefill(
    client, worker_tm, moved
):
    """The leak of issue 10: names on the confirmation, the address in the pre-fill."""
    client.force_login(worker_tm)
    done = client.get(reverse("registration:done", kwargs={"code": moved.code}))
    assert done.status_code == 404
    assert "Shevchenko" not in done.content.decode()
    after = client.get(reverse("registration:register"), {"after": moved.code})
    assert after.status_code == 404
    assert "Str. Exemplu 1" not in after.content.decode()
    sibling = PendingSibling.objects.get(household=moved.household)
    link = client.get(
        reverse("registration:register"), {"after": moved.code, "sibling": sibling.public_id}
    )
    assert link.status_code == 404


def test_the_registering_worker_cannot_reach_the_family_through_the_caregiver_search(
    client, worker_tm, moved
):
    client.force_login(worker_tm)
    page = client.post(
        reverse("registration:register"),
        post_data(action="find_caregiver", caregiver_search="Olena Shevchenko"),
    ).content.decode()
    assert moved.caregiver.code not in page


def test_the_registering_worker_cannot_link_a_new_child_to_the_moved_household(
    client, worker_tm, moved
):
    """Linking would show the household's children still to register (their names)."""
    client.force_login(worker_tm)
    response = client.post(
        reverse("registration:register"),
        post_data(
            household=moved.household.code,
            existing_caregiver=moved.caregiver.code,
            first_name="Ivan",
        ),
    )
    assert response.status_code == 200
    assert "This household cannot be used." in response.content.decode()
    assert not Child.objects.filter(first_name="Ivan").exists()


@pytest.mark.parametrize("persona", ["worker_tm", "worker2_tm", "coord_tm"])
def test_the_case_is_in_none_of_the_old_countys_lists(client, request, moved, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    pages = ["home", "cases:list", "cases:overdue", "referrals:list"]
    if user.is_coordinator:
        pages += ["cases:caseload"]
        from tests.imports.helpers import exported

        assert moved.code.encode() not in exported(client), "export"
    for page in pages:
        response = client.get(reverse(page))
        assert response.status_code == 200, page
        body = b"".join(response) if response.streaming else response.content
        assert moved.code.encode() not in body, page


def test_the_offline_queue_cannot_reach_the_moved_case(client, worker_tm, moved):
    """The offline endpoints take no code in their URL but name cases in their body: the
    old county's worker can neither link a queued registration to the moved child, nor
    join its family, nor find it in the recent cases kept on the tablet."""
    from registration.models import OfflineSubmission
    from tests.registration.offline_helpers import STATE, offline_data, send

    client.force_login(worker_tm)
    linked = send(client, offline_data(offline_duplicates=f"link:{moved.code}"))
    assert linked["status"] == "refused" and moved.code not in str(linked)

    # An entry queued after the family's first child, which was sent before the move.
    earlier = uuid.uuid4()
    OfflineSubmission.objects.create(
        key=earlier,
        user=worker_tm,
        child=moved,
        typed_at=moved.created_at,
        arrived_at=moved.created_at,
    )
    joined = send(client, offline_data(first_name="Ivan", offline_after=str(earlier)))
    assert joined["status"] == "refused" and list(joined["errors"]) == ["offline_after"]
    assert not Child.objects.filter(first_name="Ivan").exists()

    assert moved.code not in client.get(STATE).content.decode()
