"""Load the starter exercise library and plan templates so every fresh database has them."""

from django.db import migrations


def load(apps, schema_editor):
    from tracker.rehab.library import load_library

    load_library(
        exercise_model=apps.get_model("rehab", "Exercise"),
        template_model=apps.get_model("rehab", "PlanTemplate"),
        template_item_model=apps.get_model("rehab", "PlanTemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("rehab", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
