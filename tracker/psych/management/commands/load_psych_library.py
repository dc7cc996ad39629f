from django.core.management.base import BaseCommand

from tracker.psych.library import library_load


class Command(BaseCommand):
    help = "Add any starter support modules and programmes that are missing (never overwrites edits)."

    def handle(self, *args, **options):
        created = library_load()
        self.stdout.write(
            f"{created['modules']} modules, {created['programmes']} programmes, {created['items']} programme items added."
        )
