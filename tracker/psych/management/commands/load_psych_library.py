from django.core.management.base import BaseCommand

from tracker.psych.library import library_load


class Command(BaseCommand):
    help = "Add any starter support modules and programmes that are missing (never overwrites edits)."

    def handle(self, *args, **options):
        created = library_load()
        self.stdout.write(
            "{modules} modules, {programmes} programmes, {items} programme items added.".format(**created)
        )
