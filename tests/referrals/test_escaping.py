"""HTML typed into a name, a reason or a provider's name is shown as text on every page
of the referrals area (the case panel, the refer page, the list, the referral and the
provider summary), never run as a script."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from referrals import services
from tests.factories import make_child
from tests.referrals.conftest import make_provider

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"


def _assert_escaped(page: str, *texts: str) -> None:
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    for text in texts:
        assert html.escape(text) in page


def test_every_referral_page_escapes_what_was_typed(client, worker_tm, coord_tm):
    provider = make_provider("RO-TM", ("mhpss",), name="Centre " + IMG)
    child = make_child(
        worker_tm,
        first_name="Ana" + EVIL,
        last_name="Bo" + IMG,
        name_native="Анна" + EVIL,
        consent_share_providers=True,
        services_needed=[],
    )
    referral = services.create_referral(
        child, worker_tm, service_type="mhpss", reason="Needs " + EVIL, provider=provider
    )
    client.force_login(worker_tm)
    refer = reverse("referrals:refer", kwargs={"case_code": child.code})
    pages = {
        "case": child.get_absolute_url(),
        "refer": refer + "?service_type=mhpss",
        "choose": refer,
        "detail": reverse("referrals:detail", kwargs={"code": referral.code}),
        "summary": reverse("referrals:summary", kwargs={"code": referral.code}),
        "list": reverse("referrals:list"),
        "providers": reverse("referrals:providers"),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        _assert_escaped(response.content.decode())
    detail = client.get(pages["detail"]).content.decode()
    _assert_escaped(detail, "Needs " + EVIL, "Centre " + IMG)
    summary = client.get(pages["summary"]).content.decode()
    _assert_escaped(summary, "Needs " + EVIL, "Ana" + EVIL, "Анна" + EVIL, "Centre " + IMG)
    # The coordinator's list (with the filter of providers) too.
    client.force_login(coord_tm)
    _assert_escaped(client.get(pages["list"]).content.decode(), "Centre " + IMG)
