"""Access control over every URL the project serves (pages and API) x every role, on the demo data.

Actors: anonymous; `patient` (the owner of the data the URL names); `other_patient` (another patient);
the care team's nurse, therapist, psychologist and physician; `other_nurse` (a nurse on no team of
theirs); admin. Each cell is the status that actor must get: `ok` means allowed (any 2xx, a redirect
after a form, or a 400 for the empty body the matrix sends), a number means exactly that (another
patient naming the owner in ?patient= gets 404 from every list). Anonymous
page requests must be redirected to the login page.

Beyond status codes:
- nothing another patient or another team's nurse receives contains the owner's name (no leak in lists);
- every staff read of a patient's data leaves an audit row naming that staff member and that patient
  (lists: a row per listed patient);
- every URL is in the matrix (a new URL fails `test_every_url_is_in_the_matrix` until it is added).
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.proof.access import ACTORS, NOT_IN_MATRIX, Demo, all_routes, fill
from tracker.audit.models import AuditLog

# (method, route[?query], "anon patient other_patient nurse therapist psychologist physician other_nurse admin",
#  audit) - audit: "one" = a staff 200 must audit-log a read of the owner; "many" = of the patients listed.
PATIENT_ONLY = "302 ok ok 403 403 403 403 403 403"
PATIENT_OWN_OBJECT = "302 ok 404 403 403 403 403 403 403"
STAFF = "302 403 403 ok ok ok ok ok ok"
STAFF_ON_TEAM = "302 403 403 ok ok ok ok 404 ok"
EVERYONE = "302 ok ok ok ok ok ok ok ok"
API_PATIENT_ONLY = "401 ok ok 403 403 403 403 403 403"
API_STAFF = "401 403 403 ok ok ok ok ok ok"
API_STAFF_ON_TEAM = "401 403 403 ok ok ok ok 404 ok"
API_OWNER_OR_TEAM = "401 ok 404 ok ok ok ok 404 ok"
API_EVERYONE = "401 ok ok ok ok ok ok ok ok"

MATRIX = [
    # Public and personal
    ("GET", "", EVERYONE, None),
    ("GET", "healthz", "200 ok ok ok ok ok ok ok ok", None),
    ("GET", "accounts/login/", "200 ok ok ok ok ok ok ok ok", None),
    ("POST", "accounts/logout/", "302 ok ok ok ok ok ok ok ok", None),
    ("GET", "accounts/password_reset/", "200 ok ok ok ok ok ok ok ok", None),
    ("POST", "accounts/password_reset/", "200 ok ok ok ok ok ok ok ok", None),
    ("GET", "accounts/password_reset/done/", "200 ok ok ok ok ok ok ok ok", None),
    ("GET", "accounts/reset/<uidb64>/<token>/", "200 ok ok ok ok ok ok ok ok", None),
    ("GET", "accounts/reset/done/", "200 ok ok ok ok ok ok ok ok", None),
    ("GET", "messages/", EVERYONE, None),
    ("POST", "messages/read/", EVERYONE, None),
    # Accounts and the patient list
    ("GET", "patients/", STAFF, "many"),
    ("GET", "patients/new/", "302 403 403 ok 403 403 ok ok ok", None),
    ("POST", "patients/new/", "302 403 403 ok 403 403 ok ok ok", None),
    ("GET", "patients/<int:pk>/", STAFF_ON_TEAM, "one"),
    ("GET", "patients/<int:pk>/precautions/", STAFF_ON_TEAM, "one"),
    ("POST", "patients/<int:pk>/precautions/", STAFF_ON_TEAM, None),
    ("GET", "my/details/", PATIENT_ONLY, None),
    ("POST", "my/details/", PATIENT_ONLY, None),
    # Symptoms
    ("GET", "checkin/", PATIENT_ONLY, None),
    ("POST", "checkin/", PATIENT_ONLY, None),
    ("GET", "checkin/<int:pk>/", PATIENT_OWN_OBJECT, None),
    ("GET", "checkin/reminders/", PATIENT_ONLY, None),
    ("POST", "checkin/reminders/", PATIENT_ONLY, None),
    ("GET", "my/checkins/", PATIENT_ONLY, None),
    ("GET", "patients/<int:pk>/checkins/", STAFF_ON_TEAM, "one"),
    # Alerts
    ("GET", "alerts/<int:pk>/", STAFF_ON_TEAM, "one"),
    ("POST", "alerts/<int:pk>/acknowledge/", STAFF_ON_TEAM, None),
    ("POST", "alerts/<int:pk>/resolve/", STAFF_ON_TEAM, None),
    ("POST", "alerts/<int:pk>/contacts/", STAFF_ON_TEAM, None),
    ("GET", "alerts/statistics/", "302 403 403 403 403 403 ok 403 ok", None),
    # Rehabilitation
    ("GET", "exercises/today/", PATIENT_ONLY, None),
    ("POST", "exercises/log/", "302 404 404 403 403 403 403 403 403", None),
    ("POST", "exercises/reminder/", PATIENT_ONLY, None),
    ("GET", "exercises/progress/", PATIENT_ONLY, None),
    ("GET", "rehab/", STAFF, "many"),
    ("GET", "rehab/library/", STAFF, None),
    ("GET", "rehab/library/<int:pk>/", STAFF, None),
    ("GET", "rehab/patients/<int:pk>/", STAFF_ON_TEAM, "one"),
    ("GET", "rehab/patients/<int:pk>/plan/", "302 403 403 403 ok 403 403 404 403", "one"),
    ("POST", "rehab/patients/<int:pk>/plan/", "302 403 403 403 ok 403 403 404 403", None),
    ("GET", "rehab/patients/<int:pk>/plans/<int:plan_id>/versions/<int:number>/", STAFF_ON_TEAM, "one"),
    ("POST", "rehab/patients/<int:pk>/plans/<int:plan_id>/end/", "302 403 403 403 ok 403 403 404 403", None),
    ("POST", "rehab/patients/<int:pk>/plans/<int:plan_id>/resume/", "302 403 403 403 ok 403 ok 404 403", None),
    # Psychological support
    ("GET", "screens/", PATIENT_ONLY, None),
    ("GET", "screens/new/<str:instrument>/", PATIENT_ONLY, None),
    ("POST", "screens/new/<str:instrument>/", PATIENT_ONLY, None),
    ("GET", "screens/<int:pk>/", PATIENT_OWN_OBJECT, None),
    ("GET", "support/", PATIENT_ONLY, None),
    ("GET", "support/<int:pk>/", PATIENT_OWN_OBJECT, None),
    ("POST", "support/<int:pk>/done/", PATIENT_OWN_OBJECT, None),
    ("GET", "psych/queue/", STAFF, "many"),
    ("GET", "psych/patients/", STAFF, "many"),
    ("GET", "psych/patients/<int:pk>/", STAFF_ON_TEAM, "one"),
    ("GET", "psych/patients/<int:pk>/referrals/new/", STAFF_ON_TEAM, None),
    ("POST", "psych/patients/<int:pk>/referrals/new/", STAFF_ON_TEAM, None),
    ("POST", "psych/patients/<int:pk>/programmes/", STAFF_ON_TEAM, None),
    ("POST", "psych/patients/<int:pk>/schedule/", STAFF_ON_TEAM, None),
    ("GET", "psych/referrals/<int:pk>/contact/", STAFF_ON_TEAM, None),
    ("POST", "psych/referrals/<int:pk>/contact/", STAFF_ON_TEAM, None),
    ("POST", "psych/assignments/<int:pk>/stop/", STAFF_ON_TEAM, None),
    ("GET", "psych/library/", STAFF, None),
    ("GET", "psych/library/<slug:slug>/", STAFF, None),
    # Care-team dashboard
    ("GET", "triage/", STAFF, "many"),
    ("GET", "triage/count/", STAFF, None),
    ("GET", "panel/", STAFF, "many"),
    ("GET", "patients/<int:pk>/timeline/", STAFF_ON_TEAM, "one"),
    ("GET", "patients/<int:pk>/export.csv", STAFF_ON_TEAM, "one"),
    # API
    ("GET", "api/v1/schema/", "200 ok ok ok ok ok ok ok ok", None),
    ("GET", "api/v1/docs/", "200 ok ok ok ok ok ok ok ok", None),
    ("POST", "api/v1/auth/token/", "400 ok ok ok ok ok ok ok ok", None),
    ("GET", "api/v1/me/", API_EVERYONE, None),
    ("PATCH", "api/v1/me/", API_PATIENT_ONLY, None),
    ("GET", "api/v1/patients/", API_STAFF, "many"),
    ("POST", "api/v1/patients/", "401 403 403 ok 403 403 ok ok ok", None),
    ("GET", "api/v1/patients/<int:pk>/", API_OWNER_OR_TEAM, "one"),
    ("PATCH", "api/v1/patients/<int:pk>/", "401 403 403 ok ok ok ok 404 ok", None),
    ("GET", "api/v1/checkins/?patient={patient}", API_OWNER_OR_TEAM, "one"),
    ("POST", "api/v1/checkins/", API_PATIENT_ONLY, None),
    ("GET", "api/v1/checkins/<int:pk>/", API_OWNER_OR_TEAM, "one"),
    ("GET", "api/v1/alerts/", API_STAFF, "many"),
    ("GET", "api/v1/alerts/?patient={patient}", API_STAFF_ON_TEAM, "one"),
    ("GET", "api/v1/alerts/<int:pk>/", API_STAFF_ON_TEAM, "one"),
    ("POST", "api/v1/alerts/<int:pk>/acknowledge/", API_STAFF_ON_TEAM, None),
    ("POST", "api/v1/alerts/<int:pk>/resolve/", API_STAFF_ON_TEAM, None),
    ("GET", "api/v1/alerts/<int:pk>/contacts/", API_STAFF_ON_TEAM, "one"),
    ("POST", "api/v1/alerts/<int:pk>/contacts/", API_STAFF_ON_TEAM, None),
    ("GET", "api/v1/exercises/", API_EVERYONE, None),
    ("GET", "api/v1/exercises/<int:pk>/", API_EVERYONE, None),
    ("GET", "api/v1/plans/?patient={patient}", API_OWNER_OR_TEAM, "one"),
    ("POST", "api/v1/plans/", "401 403 403 403 ok 403 403 403 403", None),
    ("POST", "api/v1/plans/check/", "401 403 403 403 ok 403 403 403 403", None),
    ("GET", "api/v1/plans/<int:pk>/", API_OWNER_OR_TEAM, "one"),
    ("POST", "api/v1/plans/<int:pk>/resume/", "401 403 403 403 ok 403 ok 403 403", None),
    ("GET", "api/v1/today/", API_PATIENT_ONLY, None),
    ("GET", "api/v1/exercise-logs/?patient={patient}", API_OWNER_OR_TEAM, "one"),
    ("POST", "api/v1/exercise-logs/", API_PATIENT_ONLY, None),
    ("GET", "api/v1/adherence/?patient={patient}", API_OWNER_OR_TEAM, "one"),
    ("GET", "api/v1/screens/?patient={patient}", API_OWNER_OR_TEAM, "one"),
    ("POST", "api/v1/screens/", API_PATIENT_ONLY, None),
    ("GET", "api/v1/screens/due/", API_PATIENT_ONLY, None),
    ("GET", "api/v1/content/?patient={patient}", API_OWNER_OR_TEAM, "one"),
    ("POST", "api/v1/content/<int:pk>/complete/", "401 ok 404 403 403 403 403 403 403", None),
    ("GET", "api/v1/referrals/?patient={patient}", API_STAFF_ON_TEAM, "one"),
    ("POST", "api/v1/referrals/", API_STAFF, None),
    ("POST", "api/v1/referrals/<int:pk>/contact/", API_STAFF_ON_TEAM, None),
    ("GET", "api/v1/programmes/", API_STAFF, None),
    ("GET", "api/v1/programme-assignments/?patient={patient}", API_STAFF_ON_TEAM, "one"),
    ("POST", "api/v1/programme-assignments/", API_STAFF, None),
]
OK = {200, 201, 204, 302, 303, 400, 409}


def _row(row) -> tuple:
    return tuple(row.values) if hasattr(row, "values") else row


def _row_id(row) -> str:
    method, route, _codes, _audit = _row(row)
    return f"{method} /{route}"


STAFF_ACTORS = {"nurse", "therapist", "psychologist", "physician", "other_nurse", "admin"}


def user_of(actor: str, demo: Demo, owner):
    if actor == "patient":
        return owner.user
    if actor == "other_patient":
        return demo.other_patient_than(owner).user
    return demo.users[actor]


def client_for(actor: str, *, api: bool, demo: Demo, owner):
    if actor == "anon":
        return APIClient() if api else Client()
    user = user_of(actor, demo, owner)
    if api:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def url_for(route: str, demo: Demo):
    path, _, query = route.partition("?")
    matching = [r for r in all_routes() if r.route == path]
    assert matching, f"no URL {path!r}: remove it from the matrix"
    kwargs, owner = fill(matching[0], demo)
    url = "/" + path
    for name, value in kwargs.items():
        url = re.sub(r"<[^>]*:" + name + ">", str(value), url)
    if query:
        url += "?" + query.format(patient=owner.pk)
    return url, owner, path.startswith("api/")


@pytest.mark.django_db
@pytest.mark.parametrize("method,route,codes,audit", MATRIX, ids=[_row_id(row) for row in MATRIX])
def test_access(method, route, codes, audit, demo):
    url, owner, api = url_for(route, demo)
    owner_name = owner.user.get_full_name()
    expected = dict(zip(ACTORS, codes.split(), strict=True))
    # Those who must be refused go first: nothing they do may change what the allowed ones see.
    order = sorted(ACTORS, key=lambda a: expected[a] == "ok")
    failures = []
    for actor in order:
        client = client_for(actor, api=api, demo=demo, owner=owner)
        before = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        sid = transaction.savepoint()
        response = getattr(client, method.lower())(url, **({"content_type": "application/json"} if api else {}))
        status = response.status_code
        want = expected[actor]
        if want == "ok":
            if status not in OK:
                failures.append(f"{actor}: {status}, expected allowed")
        elif status != int(want):
            failures.append(f"{actor}: {status}, expected {want}")
        if actor == "anon" and not api and status == 302:
            if not response["Location"].startswith("/accounts/login/"):
                failures.append(f"anon redirected to {response['Location']}, not the login page")
        if actor in ("other_patient", "other_nurse") and status == 200 and not _is_binary(response):
            if owner_name and owner_name in response.content.decode(errors="replace"):
                failures.append(f"{actor} received the owner's name ({owner_name})")
        if method == "GET" and audit and actor in STAFF_ACTORS and status == 200:
            rows = AuditLog.objects.filter(pk__gt=before, actor=user_of(actor, demo, owner))
            if audit == "one" and not rows.filter(patient=owner).exists():
                failures.append(f"{actor} read patient #{owner.pk}'s data without an audit row")
            if audit == "many" and actor != "other_nurse" and not rows.exists():
                failures.append(f"{actor} read a list of patients without audit rows")
            if actor == "other_nurse" and rows.filter(patient__isnull=False).exists():
                failures.append("other_nurse's audit rows name patients they cannot see")
        transaction.savepoint_rollback(sid)
    assert not failures, f"{method} {url}:\n  " + "\n  ".join(failures)


def _is_binary(response) -> bool:
    return not response.get("Content-Type", "").startswith(("text/", "application/json"))


def test_every_url_is_in_the_matrix():
    covered = {_row(row)[1].partition("?")[0] for row in MATRIX}
    missing = sorted(r.route for r in all_routes() if r.route not in covered)
    assert not missing, "URLs with no row in tests/proof/test_access_control.py MATRIX: " + ", ".join(missing)


def test_what_is_left_out_says_why():
    assert all(reason for reason in NOT_IN_MATRIX.values())


@pytest.mark.django_db
def test_clinicians_cannot_read_patient_data_in_the_django_admin(demo):
    """Staff roles have is_staff (the admin's login) but no model permissions: only the admin reads there."""
    for actor in ("nurse", "therapist", "psychologist", "physician", "other_nurse"):
        client = client_for(actor, api=False, demo=demo, owner=demo.patient)
        for url in (
            "/admin/accounts/patientprofile/",
            f"/admin/accounts/patientprofile/{demo.patient.pk}/change/",
            "/admin/symptoms/checkin/",
            "/admin/alerts/alert/",
            "/admin/audit/auditlog/",
        ):
            status = client.get(url).status_code
            assert status in (302, 403, 404), f"{actor} GET {url}: {status}"
    admin = client_for("admin", api=False, demo=demo, owner=demo.patient)
    assert admin.get("/admin/accounts/patientprofile/").status_code == 200
