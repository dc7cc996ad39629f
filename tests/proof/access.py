"""Shared by the access-control proof tests: every URL the project serves, and how to fill its parameters
from the demo data (`manage.py seed_demo`: one care team - nurse, therapist, psychologist, physician - for
twelve patients; `nurse2` on no team; `admin`)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Served by others' code with their own rules, or no patient data: checked elsewhere, not in the matrix.
NOT_IN_MATRIX = {
    "admin/": "Django's admin: its own staff and model permissions (tests/proof/test_access_control.py checks "
    "that clinicians cannot read patient data there)",
    "media/<path:path>": "uploaded exercise media (no patient data)",
}

ACTORS = ["anon", "patient", "other_patient", "nurse", "therapist", "psychologist", "physician", "other_nurse", "admin"]
DEMO_USERNAMES = {
    "nurse": "nurse",
    "therapist": "therapist",
    "psychologist": "psychologist",
    "physician": "physician",
    "other_nurse": "nurse2",
    "admin": "admin",
}


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "api/v1/alerts/<int:pk>/"
    name: str  # e.g. "api-alert-detail" or "alerts:detail"
    callback: object

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if f"{prefix}{p.pattern}" in NOT_IN_MATRIX:
                    continue
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p.url_patterns, prefix + str(p.pattern), ns or None)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route in NOT_IN_MATRIX:
                    continue
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                found.append(Route(route, name, p.callback))

    walk(get_resolver().url_patterns, "", None)
    return found


class Demo:
    """The seeded demo, and for each kind of object one that belongs to a demo patient."""

    def __init__(self):
        from tracker.accounts.models import PatientProfile, User
        from tracker.alerts.models import Alert
        from tracker.psych.models import ContentDelivery, ContentModule, ProgrammeAssignment, Referral, Screen
        from tracker.rehab.models import Exercise, ExercisePlan, PlanVersion
        from tracker.symptoms.models import CheckIn

        self.users = {actor: User.objects.get(username=u) for actor, u in DEMO_USERNAMES.items()}
        self.patients = list(PatientProfile.objects.select_related("user").order_by("id"))
        self.patient = next(p for p in self.patients if p.user.username == "patient")

        def first(qs, what):
            obj = qs.order_by("pk").first()
            assert obj is not None, f"the demo has no {what}: the access matrix needs one"
            return obj

        self.alert = first(Alert.objects.filter(status="open"), "open alert")
        self.checkin = first(CheckIn.objects.filter(patient=self.patient), "check-in of `patient`")
        self.screen = first(Screen.objects.filter(patient=self.patient), "screen of `patient`")
        self.plan = first(ExercisePlan.objects.all(), "exercise plan")
        self.version = first(PlanVersion.objects.filter(plan=self.plan), "plan version")
        self.delivery = first(ContentDelivery.objects.all(), "content delivery")
        self.referral = first(Referral.objects.all(), "referral")
        self.assignment = first(ProgrammeAssignment.objects.all(), "programme assignment")
        self.module = first(ContentModule.objects.all(), "content module")
        self.exercise = first(Exercise.objects.all(), "exercise")

    def other_patient_than(self, owner):
        return next(p for p in self.patients if p.pk != owner.pk)


def fill(route: Route, demo: Demo):
    """-> (kwargs for the route's parameters, the demo patient whose data it is)."""
    p = demo.patient
    by_route = {
        "checkin/<int:pk>/": ({"pk": demo.checkin.pk}, p),
        "api/v1/checkins/<int:pk>/": ({"pk": demo.checkin.pk}, p),
        "screens/<int:pk>/": ({"pk": demo.screen.pk}, p),
        "screens/new/<str:instrument>/": ({"instrument": "phq9"}, p),
        "rehab/patients/<int:pk>/plans/<int:plan_id>/versions/<int:number>/": (
            {"pk": demo.plan.patient_id, "plan_id": demo.plan.pk, "number": demo.version.number},
            demo.plan.patient,
        ),
        "rehab/patients/<int:pk>/plans/<int:plan_id>/end/": (
            {"pk": demo.plan.patient_id, "plan_id": demo.plan.pk},
            demo.plan.patient,
        ),
        "rehab/patients/<int:pk>/plans/<int:plan_id>/resume/": (
            {"pk": demo.plan.patient_id, "plan_id": demo.plan.pk},
            demo.plan.patient,
        ),
        "psych/library/<slug:slug>/": ({"slug": demo.module.slug}, p),
        "psych/referrals/<int:pk>/contact/": ({"pk": demo.referral.pk}, demo.referral.patient),
        "api/v1/referrals/<int:pk>/contact/": ({"pk": demo.referral.pk}, demo.referral.patient),
        "psych/assignments/<int:pk>/stop/": ({"pk": demo.assignment.pk}, demo.assignment.patient),
        "support/<int:pk>/": ({"pk": demo.delivery.pk}, demo.delivery.patient),
        "support/<int:pk>/done/": ({"pk": demo.delivery.pk}, demo.delivery.patient),
        "api/v1/content/<int:pk>/complete/": ({"pk": demo.delivery.pk}, demo.delivery.patient),
        "api/v1/plans/<int:pk>/": ({"pk": demo.plan.pk}, demo.plan.patient),
        "api/v1/plans/<int:pk>/resume/": ({"pk": demo.plan.pk}, demo.plan.patient),
        "api/v1/exercises/<int:pk>/": ({"pk": demo.exercise.pk}, p),
        # Lists filtered by ?patient=: the patient who has such objects in the demo.
        "api/v1/referrals/": ({}, demo.referral.patient),
        "api/v1/programme-assignments/": ({}, demo.assignment.patient),
        "api/v1/content/": ({}, demo.delivery.patient),
        "api/v1/plans/": ({}, demo.plan.patient),
        "rehab/library/<int:pk>/": ({"pk": demo.exercise.pk}, p),
        # A link no e-mail carried: the page that says so.
        "accounts/reset/<uidb64>/<token>/": ({"uidb64": "MQ", "token": "set-password"}, p),
    }
    if route.route in by_route:
        return by_route[route.route]
    if route.route.startswith(("alerts/<int:pk>/", "api/v1/alerts/<int:pk>/")):
        return {"pk": demo.alert.pk}, demo.alert.patient
    if "<int:pk>" in route.route and "patients/" in route.route:
        return {"pk": p.pk}, p
    assert "<" not in route.route, f"tests/proof/access.py does not know how to fill {route.route}"
    return {}, p
