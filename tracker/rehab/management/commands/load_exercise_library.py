from django.core.management.base import BaseCommand

from tracker.rehab.library import load_library
from tracker.rehab.models import Exercise, PlanTemplate, PlanTemplateItem


class Command(BaseCommand):
    help = (
        "Add any starter exercises and plan templates that are missing (the data migration already loads "
        "them; exercises and templates edited in the admin are never overwritten)."
    )

    def handle(self, *args, **options):
        exercises, templates = load_library(
            exercise_model=Exercise, template_model=PlanTemplate, template_item_model=PlanTemplateItem
        )
        self.stdout.write(f"{exercises} exercise(s) and {templates} template(s) added.")
