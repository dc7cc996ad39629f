"""Load the starter support library (tracker/psych/library_data.py) into every fresh database.

Only adds what is missing, matched by slug; reversing leaves the content in place (it may have been
edited in the admin since).
"""

from django.db import migrations


def load(apps, schema_editor):
    from tracker.psych.library import library_load

    library_load(
        module_model=apps.get_model("psych", "ContentModule"),
        programme_model=apps.get_model("psych", "Programme"),
        item_model=apps.get_model("psych", "ProgrammeModule"),
    )


class Migration(migrations.Migration):
    dependencies = [("psych", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
