from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Remove a user's phone and backup codes (two-step login) and end their sessions: "
        "they set up a phone again at their next login. For the country coordinator's own "
        "account; other accounts are reset on their page under Users."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username}.")
        two_factor.reset(None, user)
        self.stdout.write(f"Two-step login of {user.username} reset.")
