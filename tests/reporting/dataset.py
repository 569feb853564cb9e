"""A hand-built data set with known answers for every table of the quarterly report.

Twelve records around 2023Q4 (2023-10-01 .. 2023-12-31), built through the real
register_child, then closures, referrals, follow-ups and a transfer set directly:

  c1  TM  F 6-13  2023-03-10 accompanied CG1 neglect, disability, transit DE; referrals
          health 2023-03-10 and 2023-11-10; follow-up 2023-11-01 -> next due 2023-12-01
  c2  TM  M 0-5   2023-12-31 (last day; aged 5 years 364 days) CG1, return, SIRET,
          closed 2023-12-31 returned_ukraine
  c3  SV  M 14-17 2023-11-15 unaccompanied, trafficking + neglect (high); referrals mhpss
          2023-11-15, legal_documentation 2023-12-01; follow-up 2023-12-20 -> 2024-01-03
  c4  SV  F 6-13  2023-08-20 separated CG2, undecided (stale destination IT in the row),
          disability unknown; follow-up only after the end (2024-01-05)
  c5  TM  F       2023-09-10 CG3, neglect, education referral: closed as duplicate on
          2024-01-15 (never counts)
  c6  TM  F 6-13  2023-11-20 ANONYMOUS, separated, neglect, disability, transit PL
  c7  B   M 6-13  2023-06-01 registered in TM, transferred to RO-B; CG4; education
          referral 2023-10-02; follow-ups 2023-07-30 -> 2023-09-28, 2023-09-28 -> 2024-01-26
  c8  TM  F 0-5   2022-12-15 CG5, closed 2023-05-01 left_romania
  c9  TM  M       2024-01-03 CG1 (after the period)
  c10 TM  M 14-17 2023-11-01 CG3 (its other child is the duplicate), low risk: first
          follow-up due 2023-12-31 = the period's end (not overdue); referral after the end
  c11 SV  F 0-5   2023-10-20 CG7, disability (medium), disability referral 2023-10-20,
          closed 2023-12-15 needs_met
  c12 SV  M 6-13  2023-10-01 (first day) CG8, transit DE, closed 2024-01-02 left_romania
"""

from __future__ import annotations

import datetime as dt

from cases import rules
from cases.models import Caregiver, Child, FollowUp
from referrals.models import Referral
from registration.services import register_child
from tests.factories import child_data

D = dt.date
CAREGIVER_KEYS = (
    "caregiver_first_name",
    "caregiver_last_name",
    "caregiver_relationship",
    "caregiver_sex",
    "caregiver_date_of_birth",
    "caregiver_id_document_type",
    "caregiver_phone",
    "caregiver_is_legal_guardian",
    "caregiver_ability_to_care",
)
CARE_FOR = {"accompanied": "parents", "separated": "relatives", "unaccompanied": "alone"}


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def kid(
    user,
    *,
    reg: dt.date,
    county: str,
    sex: str,
    age: int | None = None,
    dob: dt.date | None = None,
    uasc: str = "accompanied",
    concerns: tuple = (),
    disability: str = "no",
    planned: str = "stay",
    dest: str = "",
    entry: str = "INLAND",
    caregiver: str | Caregiver | None = "new",
    consent: bool = True,
    seed: int = 1,
) -> Child:
    data = child_data(county, seed)
    for key in CAREGIVER_KEYS:
        data.pop(key, None)
    dob = dob or years_before(reg, age) - dt.timedelta(days=10)
    data.update(
        registration_date=reg,
        entry_date=reg,
        registration_county=county,
        current_county=county,
        sex=sex,
        date_of_birth=dob,
        uasc_status=uasc,
        care_arrangement=CARE_FOR[uasc],
        protection_concerns=list(concerns),
        concern_source="observed" if concerns else "",
        has_disability=disability,
        risk_level=rules.suggested_risk_level(uasc, concerns, disability),
        planned_stay=planned,
        destination_country=dest,
        entry_point=entry,
        consent_registration=consent,
        services_needed=[],
    )
    existing = caregiver if isinstance(caregiver, Caregiver) else None
    if caregiver == "new":
        data.update(
            caregiver_first_name="Olena",
            caregiver_last_name=f"Carer{seed}",
            caregiver_relationship="mother",
            caregiver_sex="female",
            caregiver_id_document_type="passport",
            caregiver_is_legal_guardian=True,
            caregiver_ability_to_care="yes",
        )
    return register_child(data, user, caregiver=existing)


def close(child: Child, on: dt.date, reason: str) -> None:
    Child.objects.filter(pk=child.pk).update(status="closed", closed_on=on, closure_reason=reason)


def refer(child: Child, service: str, on: dt.date, status: str = "pending") -> Referral:
    return Referral.objects.create(child=child, service_type=service, referred_on=on, status=status)


def follow_up(child: Child, on: dt.date, next_due: dt.date) -> FollowUp:
    return FollowUp.objects.create(
        child=child,
        done_on=on,
        contact_type="phone",
        risk_level=child.risk_level,
        next_due=next_due,
    )


def build(worker_tm, worker_sv) -> dict[str, Child]:
    c = {}
    c["c1"] = kid(
        worker_tm,
        reg=D(2023, 3, 10),
        county="RO-TM",
        sex="female",
        age=10,
        concerns=("neglect",),
        disability="yes",
        planned="transit",
        dest="DE",
        seed=1,
    )
    cg1 = c["c1"].caregiver
    c["c2"] = kid(
        worker_tm,
        reg=D(2023, 12, 31),
        county="RO-TM",
        sex="male",
        dob=D(2018, 1, 1),  # 5 years and 364 days old on 2023-12-31
        planned="return",
        entry="SIRET",
        caregiver=cg1,
        seed=2,
    )
    c["c3"] = kid(
        worker_sv,
        reg=D(2023, 11, 15),
        county="RO-SV",
        sex="male",
        age=15,
        uasc="unaccompanied",
        concerns=("trafficking", "neglect"),
        entry="SIRET",
        caregiver=None,
        seed=3,
    )
    c["c4"] = kid(
        worker_sv,
        reg=D(2023, 8, 20),
        county="RO-SV",
        sex="female",
        age=8,
        uasc="separated",
        disability="unknown",
        planned="undecided",
        entry="SIRET",
        seed=4,
    )
    c["c5"] = kid(
        worker_tm,
        reg=D(2023, 9, 10),
        county="RO-TM",
        sex="female",
        age=9,
        concerns=("neglect",),
        seed=5,
    )
    cg3 = c["c5"].caregiver
    c["c6"] = kid(
        worker_tm,
        reg=D(2023, 11, 20),
        county="RO-TM",
        sex="female",
        age=7,
        uasc="separated",
        concerns=("neglect",),
        disability="yes",
        planned="transit",
        dest="PL",
        caregiver=None,
        consent=False,
        seed=6,
    )
    c["c7"] = kid(worker_tm, reg=D(2023, 6, 1), county="RO-TM", sex="male", age=12, seed=7)
    c["c8"] = kid(worker_tm, reg=D(2022, 12, 15), county="RO-TM", sex="female", age=2, seed=8)
    c["c9"] = kid(
        worker_tm, reg=D(2024, 1, 3), county="RO-TM", sex="male", age=4, caregiver=cg1, seed=9
    )
    c["c10"] = kid(
        worker_tm, reg=D(2023, 11, 1), county="RO-TM", sex="male", age=14, caregiver=cg3, seed=10
    )
    c["c11"] = kid(
        worker_sv,
        reg=D(2023, 10, 20),
        county="RO-SV",
        sex="female",
        age=1,
        disability="yes",
        entry="SIRET",
        seed=11,
    )
    c["c12"] = kid(
        worker_sv,
        reg=D(2023, 10, 1),
        county="RO-SV",
        sex="male",
        age=7,
        planned="transit",
        dest="DE",
        entry="SIRET",
        seed=12,
    )

    # Closures (c5 as a duplicate, after the period: still never counted).
    close(c["c2"], D(2023, 12, 31), "returned_ukraine")
    close(c["c5"], D(2024, 1, 15), "duplicate")
    close(c["c8"], D(2023, 5, 1), "left_romania")
    close(c["c11"], D(2023, 12, 15), "needs_met")
    close(c["c12"], D(2024, 1, 2), "left_romania")

    # Referrals, every status.
    refer(c["c1"], "health", D(2023, 3, 10), "completed")
    refer(c["c1"], "health", D(2023, 11, 10))
    refer(c["c3"], "mhpss", D(2023, 11, 15))
    refer(c["c3"], "legal_documentation", D(2023, 12, 1), "declined")
    refer(c["c5"], "education", D(2023, 9, 10))
    refer(c["c7"], "education", D(2023, 10, 2), "accepted")
    refer(c["c10"], "health", D(2024, 1, 5))
    refer(c["c11"], "disability", D(2023, 10, 20), "completed")

    # Follow-ups.
    follow_up(c["c1"], D(2023, 11, 1), D(2023, 12, 1))
    follow_up(c["c3"], D(2023, 12, 20), D(2024, 1, 3))
    follow_up(c["c4"], D(2024, 1, 5), D(2024, 2, 4))
    follow_up(c["c7"], D(2023, 7, 30), D(2023, 9, 28))
    follow_up(c["c7"], D(2023, 9, 28), D(2024, 1, 26))

    # A transfer: the family of c7 moved from Timiș to Bucharest.
    Child.objects.filter(pk=c["c7"].pk).update(current_county_id="RO-B")
    # A stale destination on a record that is not in transit must not show.
    Child.objects.filter(pk=c["c4"].pk).update(destination_country="IT")
    for child in c.values():
        child.refresh_from_db()
    return c
