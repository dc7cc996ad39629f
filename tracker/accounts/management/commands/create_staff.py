import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker.accounts.models import User
from tracker.accounts.services import staff_create
from tracker.core.vocab import STAFF_ROLES


class Command(BaseCommand):
    help = "Create a clinician or admin account: create_staff USERNAME --role nurse --password PW"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in STAFF_ROLES])
        parser.add_argument("--password", help="Prompted for when not given.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, role, password, email, first_name, last_name, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords did not match.")
        try:
            user = staff_create(
                username=username, role=role, password=password, email=email, first_name=first_name, last_name=last_name
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.role} {user.username} (id {user.pk})."))
