import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Assessment, FollowUp
from cases.services.closure import close_case
from tests.cases._workflow import TODAY, events, open_case

pytestmark = pytest.mark.django_db


def url(child, name="follow_up"):
    return reverse(f"cases:{name}", kwargs={"code": child.code})


def follow_up_post(**extra):
    return {
        "done_on": TODAY().isoformat(),
        "contact_type": "home_visit",
        "risk_level": "medium",
        "notes": "Visited the family",
        **extra,
    }


def test_worker_records_a_follow_up(client, worker_tm):
    child = open_case(worker_tm, risk="low")
    client.force_login(worker_tm)
    page = client.get(url(child))
    assert page.status_code == 200
    assert "Record a follow-up" in page.content.decode()
    response = client.post(url(child), follow_up_post(), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    assert response["Location"] == child.get_absolute_url() + "#workflow"
    child.refresh_from_db()
    assert child.risk_level == "medium"
    assert child.next_follow_up_due == TODAY() + dt.timedelta(days=30)
    assert FollowUp.objects.get().recorded_by == worker_tm
    assert events(child, "change_case", event="follow_up").get().ip_address == "10.0.0.9"
    shown = client.get(child.get_absolute_url()).content.decode()
    assert "The follow-up was recorded." in shown
    assert "Visited the family" in shown


def test_future_date_is_shown_as_an_error(client, worker_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(url(child), follow_up_post(done_on=tomorrow))
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_wrong_method(client, worker_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    assert client.put(url(child)).status_code == 405
    assert client.delete(url(child, "assessment")).status_code == 405


@pytest.mark.parametrize("persona", ["worker_sv", "coord_sv", "worker2_tm"])
def test_out_of_scope_gets_404_and_forged_post_changes_nothing(client, worker_tm, persona, request):
    child = open_case(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(child)).status_code == 404
    assert client.post(url(child), follow_up_post()).status_code == 404
    assert client.post(url(child, "assessment"), {"risk_level": "low"}).status_code == 404
    assert not FollowUp.objects.exists() and not Assessment.objects.exists()
    child.refresh_from_db()
    assert child.version == 1


def test_closed_case_answers_403(client, worker_tm):
    child = open_case(worker_tm)
    close_case(child, worker_tm, "needs_met", TODAY())
    client.force_login(worker_tm)
    assert client.post(url(child), follow_up_post()).status_code == 403
    assert not FollowUp.objects.exists()


def test_coordinator_records_the_assessment(client, worker_tm, coord_tm):
    child = open_case(worker_tm, risk="low")
    client.force_login(coord_tm)
    assert client.get(url(child, "assessment")).status_code == 200
    response = client.post(
        url(child, "assessment"),
        {
            "assessed_on": TODAY().isoformat(),
            "needs": ["food", "shelter"],
            "strengths": "Aunt nearby",
            "risk_level": "low",
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.workflow_stage == "assessed"
    assert Assessment.objects.get().needs == ["food", "shelter"]
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Food, Shelter" in page


def test_assessment_changing_the_risk_without_a_note_is_refused(client, worker_tm):
    child = open_case(worker_tm, risk="low")
    client.force_login(worker_tm)
    response = client.post(
        url(child, "assessment"), {"assessed_on": TODAY().isoformat(), "risk_level": "high"}
    )
    assert response.status_code == 200
    assert "Say why the risk level changes." in response.content.decode()
    assert not Assessment.objects.exists()


def test_overdue_list_follows_the_scope(client, worker_tm, coord_tm, coord_sv, worker_sv):
    late = open_case(worker_tm, risk="high", days_ago=30, seed=1)
    open_case(worker_tm, risk="low", days_ago=5, seed=2)
    other = open_case(worker_sv, risk="high", days_ago=30, seed=3)
    client.force_login(coord_tm)
    page = client.get(reverse("cases:overdue")).content.decode()
    assert late.code in page and other.code not in page
    assert "overdue" in page
    client.force_login(coord_sv)
    page = client.get(reverse("cases:overdue")).content.decode()
    assert other.code in page and late.code not in page
    # A coordinator cannot peek at another county, a worker at a colleague's list.
    assert client.get(reverse("cases:overdue"), {"county": "RO-TM"}).status_code == 403
    client.force_login(worker_sv)
    assert client.get(reverse("cases:overdue"), {"worker": worker_tm.pk}).status_code == 403
    assert client.post(reverse("cases:overdue")).status_code == 405


def test_overdue_list_for_one_worker(client, worker_tm, worker2_tm, coord_tm):
    mine = open_case(worker_tm, risk="high", days_ago=30, seed=1)
    theirs = open_case(worker2_tm, risk="high", days_ago=30, seed=2)
    client.force_login(coord_tm)
    page = client.get(reverse("cases:overdue"), {"worker": worker_tm.pk}).content.decode()
    assert mine.code in page and theirs.code not in page


def test_panel_highlights_an_overdue_follow_up(client, worker_tm):
    child = open_case(worker_tm, risk="high", days_ago=30)
    client.force_login(worker_tm)
    page = client.get(child.get_absolute_url()).content.decode()
    assert 'class="next-due overdue"' in page
    assert "overdue by" in page
