from django.core.management.base import BaseCommand

from tracker.accounts.demo import DEMO_PASSWORD, STAFF, seed_demo


class Command(BaseCommand):
    help = "Create demo clinicians and about 12 patients with weeks of history. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any user exists already.")

    def handle(self, *args, if_empty, **options):
        from tracker.accounts.models import User

        if if_empty and User.objects.exists():
            self.stdout.write("Database already has users; demo data not added.")
            return
        patients, staff = seed_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {len(staff)} staff, {len(patients)} patients."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, _first, _last in STAFF:
            self.stdout.write(f"  {username:<13} {role}")
        self.stdout.write("  patient       patient (also patient2 ... patient12)")
