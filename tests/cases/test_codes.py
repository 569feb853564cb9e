"""Public codes are drawn at random (cases.codes): a code already taken is drawn again.

With 31^7 codes and a million cases, one new case in about 27,000 draws a taken code; the
load test met it as a server error on /register/ (issue 14). The bulk import draws again
before it writes (cases.bulk.unique_codes); single saves draw again when the database
refuses the code.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import codes
from cases.models import Caregiver, Child
from referrals.models import Referral, ServiceProvider
from tests.factories import make_child
from tests.registration.helpers import post_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

ALL_TWOS = "2222222"  # what randbelow() == 0 draws (the alphabet's first letter)


@pytest.fixture
def repeat_draws(monkeypatch):
    """repeat_draws(): the next four codes drawn are all the same (the alphabet's first
    letter seven times), then codes are random again. Only the draw is changed: the
    models, services and views run as they are."""

    def start(times: int = 4) -> None:
        real = codes.secrets.randbelow
        repeated = itertools.chain(itertools.repeat(True, times), itertools.repeat(False))
        monkeypatch.setattr(codes.secrets, "randbelow", lambda n: 0 if next(repeated) else real(n))

    return start


def test_a_registration_whose_drawn_codes_are_taken_is_saved_under_other_codes(
    client, worker_tm, repeat_draws
):
    taken = make_child(worker_tm)
    Child.objects.filter(pk=taken.pk).update(code=f"C-{ALL_TWOS}")
    Caregiver.objects.filter(pk=taken.caregiver_id).update(code=f"P-{ALL_TWOS}")
    client.force_login(worker_tm)

    repeat_draws()
    response = client.post("/register/", post_data())

    assert response.status_code == 302
    code = response["Location"].rstrip("/").split("/")[-1]
    child = Child.objects.get(code=code)
    assert code != f"C-{ALL_TWOS}" and child.caregiver.code != f"P-{ALL_TWOS}"
    assert child.caregiver_id != taken.caregiver_id
    taken.refresh_from_db()
    assert taken.code == f"C-{ALL_TWOS}"  # the stored case keeps its code
    assert client.get(f"/cases/{code}/").status_code == 200


def test_a_referral_whose_drawn_code_is_taken_gets_another(worker_tm, repeat_draws):
    child = make_child(worker_tm)
    row = {"child": child, "created_by": worker_tm, "updated_by": worker_tm, "referred_on": TODAY}
    repeat_draws()
    first = Referral.objects.create(service_type="health", **row)
    second = Referral.objects.create(service_type="education", **row)
    assert first.code == f"R-{ALL_TWOS}" and second.code != first.code
    assert Referral.objects.filter(code=first.code).count() == 1


def test_a_code_set_by_hand_is_not_drawn_again(worker_tm):
    """A provider's code comes from its spreadsheet: a taken one is refused, not changed."""
    ServiceProvider.objects.create(code="S-TM0001", name="A", kind="public", county_id="RO-TM")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceProvider.objects.create(code="S-TM0001", name="B", kind="public", county_id="RO-TM")
    assert ServiceProvider.objects.get(code="S-TM0001").name == "A"


def test_another_unique_value_is_still_refused(worker_tm, repeat_draws):
    """Only the code is drawn again: a second case with a stored submission token is not
    saved under another code."""
    child = make_child(worker_tm)
    Child.objects.filter(pk=child.pk).update(code=f"C-{ALL_TWOS}", submission_token=uuid.uuid4())
    copy = Child.objects.get(pk=child.pk)
    copy.pk = None
    copy._state.adding = True
    repeat_draws()
    copy.code = Child._meta.get_field("code").get_default()  # drawn, and taken
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert Child.objects.filter(submission_token=copy.submission_token).count() == 1


def test_every_model_with_a_drawn_code_draws_again_on_a_clash():
    drawn = [
        model
        for model in apps.get_models()
        if any(
            f.name == "code" and f.has_default() and callable(f.default) for f in model._meta.fields
        )
        and not model.__name__.startswith("Historical")
    ]
    assert len(drawn) >= 10
    missing = [m.__name__ for m in drawn if not issubclass(m, codes.FreshCodeOnClash)]
    assert missing == []
