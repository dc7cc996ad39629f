import json

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tracker.alerts.tasks import evaluate_submission
from tracker.symptoms.models import WEAKNESS_FIELDS, CheckIn


@csrf_exempt
def bare(request):
    """The floor: a Django view through the same middleware that touches no database and returns JSON."""
    return JsonResponse({"ok": True})


@login_required
def bare_page(request):
    """The floor of a page: the signed-in user's session, and the site's layout (base.html) with no content."""
    return render(request, "base.html", {})


_CHECKIN_FIELDS = [f for f in CheckIn._meta.concrete_fields if not f.primary_key]
_CHECKIN_INSERT = "INSERT INTO {} ({}) VALUES ({}) RETURNING id".format(  # noqa: S608 - the model's own names
    CheckIn._meta.db_table, ", ".join(f.column for f in _CHECKIN_FIELDS), ", ".join(["%s"] * len(_CHECKIN_FIELDS))
)
_PATIENT_OF_TOKEN = (
    "SELECT p.id FROM authtoken_token t JOIN accounts_patientprofile p ON p.user_id = t.user_id WHERE t.key = %s"
)


@csrf_exempt
@require_POST
def checkin_lower_bound(request):
    """A lower bound for any check-in endpoint: the least that stores a check-in and queues its evaluation.

    One SELECT for the token's patient, one INSERT in autocommit, one Celery message, a 201 with the id.
    It trusts its input (the benchmark's valid body), has no transaction, no idempotency, no advice and
    no DRF: it is not safe to serve patients and exists only to show, in the same run, how close any
    implementation of POST /api/v1/checkins/ could come to the bare view on this machine.
    """
    key = request.headers["Authorization"].removeprefix("Token ")
    body = json.loads(request.body)
    pain, neuro = body["pain"], body["neuro"]
    now = timezone.now()
    checkin = CheckIn(
        client_id=body.get("client_id"),
        recorded_at=now,
        submitted_at=now,
        pain_now=pain["now"],
        pain_worst_24h=pain["worst_24h"],
        pain_sites=pain["sites"],
        night_pain=pain["night_pain"],
        worse_with_straining=pain["worse_with_straining"],
        breakthrough_doses=pain["breakthrough_doses"],
        numbness=neuro["numbness"],
        walking=neuro["walking"],
        falls=neuro["falls"],
        bladder=neuro["bladder"],
        bowel=neuro["bowel"],
        note=body["note"],
        **{WEAKNESS_FIELDS[limb]: level for limb, level in neuro["weakness"].items()},
        **body["side_effects"],
    )
    with connection.cursor() as cursor:
        cursor.execute(_PATIENT_OF_TOKEN, [key])
        checkin.patient_id = cursor.fetchone()[0]
        values = [f.get_db_prep_save(getattr(checkin, f.attname), connection) for f in _CHECKIN_FIELDS]
        cursor.execute(_CHECKIN_INSERT, values)
        checkin.pk = cursor.fetchone()[0]
    evaluate_submission.apply_async(args=(CheckIn._meta.label_lower, checkin.pk), retry=False)
    return JsonResponse({"id": checkin.pk}, status=201)
