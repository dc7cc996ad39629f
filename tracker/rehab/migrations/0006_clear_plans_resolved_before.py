"""History does not pause plans retroactively: before clearance was required, resolving a neuro_deficit
alert un-paused the plan at once. Record that as an automatic clearance at each such resolution, so
neither today's hold nor adherence's paused days treat those old resolutions as holds."""

from django.db import migrations

AUTOMATIC = "Resumed automatically when the alert was resolved (before a clearance was required)."


def record_automatic_clearances(apps, schema_editor):
    ExercisePlan = apps.get_model("rehab", "ExercisePlan")
    PlanResume = apps.get_model("rehab", "PlanResume")
    Alert = apps.get_model("alerts", "Alert")
    resolutions: dict[int, list] = {}
    for patient_id, resolved_at in (
        Alert.objects.filter(rule="neuro_deficit", status="resolved", resolved_at__isnull=False)
        .exclude(outcome="no_action_needed")
        .values_list("patient_id", "resolved_at")
    ):
        resolutions.setdefault(patient_id, []).append(resolved_at)
    for plan in ExercisePlan.objects.filter(patient_id__in=list(resolutions)):
        times = sorted(
            at for at in resolutions[plan.patient_id] if at > plan.created_at and (plan.ended_at is None or at <= plan.ended_at)
        )
        if not times:
            continue
        PlanResume.objects.bulk_create([PlanResume(plan=plan, at=at, note=AUTOMATIC) for at in times])
        ExercisePlan.objects.filter(pk=plan.pk).update(resumed_at=times[-1])


class Migration(migrations.Migration):
    dependencies = [
        ("rehab", "0005_plan_resume"),
        ("alerts", "0002_oncall_page"),
    ]

    operations = [migrations.RunPython(record_automatic_clearances, migrations.RunPython.noop)]
