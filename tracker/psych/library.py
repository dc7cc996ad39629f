"""The starter support library (library_data.py) loaded into the database.

`library_load` only adds what is missing (matched by slug): content edited in the admin is never
overwritten. The data migration calls it with the historical models, so every fresh database has the
library; `manage.py load_psych_library` calls it with the real ones to restore deleted items.
"""

from django.db import transaction


def library_load(*, module_model=None, programme_model=None, item_model=None) -> dict[str, int]:
    """Create the modules and programmes of library_data that do not exist yet. Returns counts created."""
    from tracker.psych import library_data

    if module_model is None:
        from tracker.psych.models import ContentModule, Programme, ProgrammeModule

        module_model, programme_model, item_model = ContentModule, Programme, ProgrammeModule

    created = {"modules": 0, "programmes": 0, "items": 0}
    with transaction.atomic():
        modules = {}
        for data in library_data.MODULES:
            module, was_created = module_model.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    "title": str(data["title"]),
                    "kind": data["kind"],
                    "minutes": data["minutes"],
                    "body": str(data["body"]),
                },
            )
            modules[data["slug"]] = module
            created["modules"] += was_created
        for data in library_data.PROGRAMMES:
            programme, was_created = programme_model.objects.get_or_create(
                slug=data["slug"],
                defaults={"title": str(data["title"]), "description": str(data["description"])},
            )
            created["programmes"] += was_created
            if not was_created:
                continue  # an existing programme's sequence belongs to whoever edited it
            for slug, day_offset in data["modules"]:
                item_model.objects.create(programme=programme, module=modules[slug], day_offset=day_offset)
                created["items"] += 1
    return created
