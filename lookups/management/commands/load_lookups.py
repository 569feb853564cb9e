from django.core.management.base import BaseCommand

from lookups.loading import load_lookups


class Command(BaseCommand):
    help = "Create or update the lookup lists from lookups/data (the spec's CSVs)."

    def handle(self, *args, **options):
        counts = load_lookups()
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Lookups loaded: {summary}.")
