import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from cases.demo import synthetic_child
from cases.services.closure import close_case
from cases.services.followups import record_follow_up
from referrals.demo import seed_providers
from registration.services import register_child

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the local demo on purpose
DEMO_USERS = [
    ("country", Role.COUNTRY_COORDINATOR, None, "ANPDCA"),
    ("coord.timis", Role.COUNTY_COORDINATOR, "RO-TM", "DGASPC Timiș"),
    ("worker.timis", Role.FIELD_WORKER, "RO-TM", "DGASPC Timiș"),
    ("worker2.timis", Role.FIELD_WORKER, "RO-TM", "Salvați Copiii Timiș"),
    ("coord.suceava", Role.COUNTY_COORDINATOR, "RO-SV", "DGASPC Suceava"),
    ("worker.suceava", Role.FIELD_WORKER, "RO-SV", "DGASPC Suceava"),
    ("worker2.suceava", Role.FIELD_WORKER, "RO-SV", "Terre des hommes"),
    ("coord.bucuresti", Role.COUNTY_COORDINATOR, "RO-B", "DGASPC Sector 1"),
    ("worker.bucuresti", Role.FIELD_WORKER, "RO-B", "DGASPC Sector 1"),
]


class Command(BaseCommand):
    help = "Create demo users of every role in three counties and synthetic children (once)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2022)

    @transaction.atomic
    def handle(self, *args, children, seed, **options):
        if User.objects.filter(username="country").exists():
            self.stdout.write("Demo data already present; nothing created.")
            self._print_users()
            return
        users = {}
        # One PBKDF2 hash (about half a second of CPU each) shared by every demo user:
        # they share the password, and a salt of their own buys a demo nothing.
        password_hash = make_password(DEMO_PASSWORD)
        for username, role, county, organisation in DEMO_USERS:
            user = User(username=username, role=role, county_id=county, organisation=organisation)
            user.password = password_hash
            user.save()
            users[username] = user
        admin = User(
            username="admin", role=Role.COUNTRY_COORDINATOR, is_staff=True, is_superuser=True
        )
        admin.password = password_hash
        admin.save()

        seed_providers()
        rng = random.Random(seed)
        today = timezone.localdate()
        workers = {
            county: [
                u for u in users.values() if u.county_id == county and u.role == Role.FIELD_WORKER
            ]
            for county in ("RO-TM", "RO-SV", "RO-B")
        }
        weights = {"RO-SV": 5, "RO-B": 3, "RO-TM": 2}
        for _ in range(children):
            county = rng.choices(list(weights), weights=list(weights.values()))[0]
            worker = rng.choice(workers[county])
            child = register_child(synthetic_child(rng, county, today), worker)
            child.assigned_to = worker
            child.save(update_fields=["assigned_to"])
            self._case_life(child, worker, rng, today)
        self._print_users()
        self.stdout.write(f"Demo data created: {len(users) + 1} users, {children} children.")

    def _case_life(self, child, worker, rng, today):
        """Follow-ups and closures through the real services, so the demo has history."""
        due = child.next_follow_up_due
        while due is not None and due <= today and rng.random() < 0.7:
            record_follow_up(
                child, worker, due, rng.choice(["home_visit", "phone"]), "", child.risk_level
            )
            child.refresh_from_db()
            due = child.next_follow_up_due
        if (today - child.registration_date).days > 90 and rng.random() < 0.45:
            reason = rng.choices(
                ["left_romania", "returned_ukraine", "needs_met", "lost_contact", "turned_18"],
                weights=[35, 25, 25, 10, 5],
            )[0]
            latest = child.follow_ups.order_by("-done_on").values_list("done_on", flat=True).first()
            closed_on = min(
                today, (latest or child.registration_date) + dt.timedelta(days=rng.randrange(1, 30))
            )
            close_case(child, worker, reason, closed_on)

    def _print_users(self):
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, role, county, _org in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role.label:<22} {county or ''}")
        self.stdout.write(f"  {'admin':<18} {'superuser (/admin/)':<22}")
