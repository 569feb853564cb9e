import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import create_user


class Command(BaseCommand):
    help = "Create a user; the password is read from standard input."
    # call_command(..., stdin=StringIO("...")) in tests, as createsuperuser allows.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--county", help="ISO 3166-2:RO code, for example RO-TM")
        parser.add_argument("--organisation", default="")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="may also use the Django admin (createsuperuser cannot set a role and county)",
        )

    def handle(self, *args, username, role, county, organisation, superuser, **options):
        stdin = options.get("stdin", sys.stdin)
        if stdin.isatty():
            # Typed by a person: do not echo the password on the screen.
            password = getpass.getpass("Password: ")
        else:
            password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input.")
        try:
            user = create_user(username, password, role, county, organisation, superuser=superuser)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        where = f" in {user.county_id}" if user.county_id else ""
        admin = " (superuser)" if user.is_superuser else ""
        self.stdout.write(f"Created {user.role} {user.username}{where}{admin}.")
