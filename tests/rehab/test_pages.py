"""Rehab pages: the plan builder (works without JavaScript), plan history, adherence, the patient's day."""

import json
import re
from datetime import timedelta

import plotly.graph_objects as go
import pytest

from tests.factories import PatientFactory, UserFactory
from tests.pages import form_client_id
from tests.rehab.conftest import NOW, ex, prescribe, set_precautions, spec
from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import Role, SpinalStability
from tracker.rehab.models import ExerciseLog, ExercisePlan, PlanItem, PlanStatus, PlanTemplate

pytestmark = pytest.mark.django_db


def builder_url(patient):
    return f"/rehab/patients/{patient.pk}/plan/"


def builder_post(patient, rows, *, action="save", **fields):
    """A plan-builder form submission: rows are (exercise slug or "", {field: value})."""
    data = {
        "action": action,
        "starts_on": NOW.date().isoformat(),
        "ends_on": "",
        "change_note": "",
        "override_reason": "",
        "template": "",
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
        **fields,
    }
    for index, (slug, extra) in enumerate(rows):
        data[f"items-{index}-exercise"] = str(ex(slug).pk) if slug else ""
        days = extra.pop("days", ["mon", "wed", "fri"])
        data[f"items-{index}-days"] = days
        for name, value in extra.items():
            data[f"items-{index}-{name}"] = value
    return data


# --------------------------------------------------------------------------------------------------
# Plan builder
# --------------------------------------------------------------------------------------------------


def test_the_builder_shows_the_precautions_and_marks_conflicting_exercises(web_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNSTABLE, no_lifting_over_kg=2)
    response = web_as(therapist).get(builder_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unstable (SINS 13-18)" in html
    assert "No lifting over 2 kg" in html
    assert f"{ex('sit-to-stand').name} (conflicts with precautions)" in html
    assert f">{ex('ankle-pumps').name}<" in html
    assert AuditLog.objects.filter(actor=therapist, patient=patient, target="exercise plan builder").exists()


def test_check_shows_each_conflict_without_saving(web_as, patient, therapist):
    set_precautions(patient, no_spinal_rotation=True)
    data = builder_post(patient, [("ankle-pumps", {}), ("seated-trunk-rotation", {})], action="check")
    response = web_as(therapist).post(builder_url(patient), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 exercise conflicts with the precautions" in html
    assert "Twists the spine (no spinal rotation)" in html
    assert not ExercisePlan.objects.exists()


def test_check_says_so_when_there_is_no_conflict(web_as, patient, therapist):
    set_precautions(patient)
    response = web_as(therapist).post(
        builder_url(patient), builder_post(patient, [("ankle-pumps", {})], action="check")
    )
    assert "No conflicts with the precautions." in response.content.decode()


def test_saving_a_conflict_without_a_reason_is_stopped_and_keeps_what_was_typed(web_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNKNOWN)
    data = builder_post(patient, [("walk-outdoors", {"notes": "With your daughter"})], change_note="First plan")
    response = web_as(therapist).post(builder_url(patient), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "These exercises conflict with the patient&#x27;s precautions: Walk outdoors" in html
    assert "With your daughter" in html and "First plan" in html
    assert not ExercisePlan.objects.exists()


def test_saving_a_conflict_with_a_reason_saves_and_audits_the_override(web_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNKNOWN)
    data = builder_post(
        patient, [("walk-outdoors", {}), ("ankle-pumps", {"sets": "4"})], override_reason="Walking before admission"
    )
    response = web_as(therapist).post(builder_url(patient), data)
    assert response.status_code == 302
    assert response["Location"] == f"/rehab/patients/{patient.pk}/"
    walk, pumps = PlanItem.objects.order_by("position")
    assert (walk.conflict_codes, walk.override_reason) == ("unknown_stability", "Walking before admission")
    assert (pumps.conflict_codes, pumps.override_reason, pumps.sets) == ("", "", 4)
    assert pumps.reps == ex("ankle-pumps").default_reps
    assert AuditLog.objects.filter(action=AuditAction.OVERRIDE, patient=patient, actor=therapist).count() == 1


def test_a_plan_saved_twice_from_one_form_is_one_version_and_both_answers_say_saved(web_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNKNOWN)
    client = web_as(therapist)
    client_id = form_client_id(client.get(builder_url(patient)).content.decode())
    data = builder_post(
        patient, [("walk-outdoors", {})], override_reason="Walking before admission", client_id=client_id
    )
    first = client.post(builder_url(patient), data)
    again = client.post(builder_url(patient), data, follow=True)  # no JavaScript, or the reply was lost
    assert first.status_code == 302 and again.redirect_chain == [(first["Location"], 302)]
    assert "Plan saved (version 1)." in again.content.decode()
    plan = ExercisePlan.objects.get(patient=patient)
    assert plan.versions.count() == 1
    assert AuditLog.objects.filter(action=AuditAction.OVERRIDE, patient=patient).count() == 1
    # A new form is a new version.
    fresh = dict(data, client_id=form_client_id(client.get(builder_url(patient)).content.decode()))
    assert client.post(builder_url(patient), fresh).status_code == 302
    assert plan.versions.count() == 2


@pytest.mark.parametrize(
    ("template", "saved"), [("\u00b2", False), ("x", False), ("-1", True), ("999999999999999999999", True)]
)
def test_a_template_that_is_not_an_id_of_one_is_ignored_or_refused_by_the_builder(
    web_as, patient, therapist, template, saved
):
    client = web_as(therapist)
    assert client.get(builder_url(patient), {"template": template}).status_code == 200
    response = client.post(builder_url(patient), builder_post(patient, [("ankle-pumps", {})], template=template))
    if saved:  # a number, but no template's: the plan is saved without one
        assert response.status_code == 302
        assert ExercisePlan.objects.get(patient=patient).current_version.template is None
    else:  # not a number: the form is shown again with what was entered
        assert response.status_code == 400 and "template" in response.context["form"].errors
        assert not ExercisePlan.objects.exists()


def test_a_template_is_copied_into_the_builder_and_remembered_on_the_version(web_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNSTABLE)
    template = PlanTemplate.objects.get(name="Lying-down programme")
    page = web_as(therapist).get(builder_url(patient), {"template": template.pk})
    html = page.content.decode()
    assert 'Copied from "Lying-down programme"' in html
    slugs = [item.exercise.slug for item in template.items.order_by("position")]
    rows = [(slug, {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}) for slug in slugs[:-1]]
    data = builder_post(patient, rows, template=str(template.pk))  # adjusted: the last one left out
    assert web_as(therapist).post(builder_url(patient), data).status_code == 302
    plan = ExercisePlan.objects.get(patient=patient)
    assert plan.current_version.template == template
    assert [i.exercise.slug for i in plan.current_version.items.order_by("position")] == slugs[:-1]


def test_editing_prefills_the_current_version_and_saves_the_next(web_as, stable_patient, therapist, frozen):
    prescribe(stable_patient, therapist, spec("ankle-pumps", sets=3))
    page = web_as(therapist).get(builder_url(stable_patient))
    html = page.content.decode()
    assert "now version 1" in html
    assert 'name="items-0-sets" value="3"' in html
    frozen.shift(timedelta(days=1))
    data = builder_post(stable_patient, [("ankle-pumps", {"sets": "2"}), ("sit-to-stand", {})], change_note="More")
    assert web_as(therapist).post(builder_url(stable_patient), data).status_code == 302
    plan = ExercisePlan.objects.get(patient=stable_patient)
    assert plan.current_version.number == 2
    assert plan.versions.count() == 2


def test_add_rows_and_remove_work_without_javascript(web_as, stable_patient, therapist):
    data = builder_post(stable_patient, [("ankle-pumps", {})], action="add_rows")
    response = web_as(therapist).post(builder_url(stable_patient), data)
    assert response.content.decode().count('class="card plan-row') == 4
    data = builder_post(stable_patient, [("ankle-pumps", {}), ("sit-to-stand", {"DELETE": "on"})])
    assert web_as(therapist).post(builder_url(stable_patient), data).status_code == 302
    assert [i.exercise.slug for i in PlanItem.objects.all()] == ["ankle-pumps"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "Add at least one exercise."),
        ([("", {"sets": "3"})], "Choose an exercise for this row, or tick Remove."),
        ([("ankle-pumps", {"days": []})], "Choose at least one day."),
        ([("ankle-pumps", {"sets": "99"})], "Ensure this value is less than or equal to 20."),
    ],
)
def test_builder_errors_are_shown_on_the_form(web_as, stable_patient, therapist, rows, message):
    response = web_as(therapist).post(builder_url(stable_patient), builder_post(stable_patient, rows))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExercisePlan.objects.exists()


def test_an_end_date_before_the_start_is_a_form_error(web_as, stable_patient, therapist, frozen):
    data = builder_post(stable_patient, [("ankle-pumps", {})], ends_on=(NOW.date() - timedelta(days=1)).isoformat())
    response = web_as(therapist).post(builder_url(stable_patient), data)
    assert "The end date must be on or after the start date." in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("nurse", 403), ("physician", 403), ("patient", 403)])
def test_only_therapists_open_the_builder(web_as, patient, who, status, request):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    assert web_as(user).get(builder_url(patient)).status_code == status


def test_a_therapist_from_another_team_gets_404(web_as, patient):
    outsider = UserFactory(username="tess_other", role=Role.THERAPIST)
    assert web_as(outsider).get(builder_url(patient)).status_code == 404
    assert web_as(outsider).get(f"/rehab/patients/{patient.pk}/").status_code == 404


# --------------------------------------------------------------------------------------------------
# Plans, history, adherence (staff)
# --------------------------------------------------------------------------------------------------


def test_the_patient_rehab_page_shows_plan_history_and_charts(web_as, stable_patient, therapist, nurse, frozen):
    version = prescribe(stable_patient, therapist, spec("ankle-pumps"), spec("sit-to-stand"))
    item = version.items.get(exercise__slug="sit-to-stand")
    ExerciseLog.objects.create(
        patient=stable_patient,
        plan_item=item,
        performed_on=NOW.date(),
        completed=True,
        pain_before=2,
        pain_during=4,
        difficulty="ok",
    )
    frozen.shift(timedelta(days=1))
    prescribe(stable_patient, therapist, spec("ankle-pumps"), change_note="Dropped sit to stand for now")
    set_precautions(stable_patient, no_spinal_flexion=True)

    response = web_as(nurse).get(f"/rehab/patients/{stable_patient.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/plotly/plotly.min.js" in html
    assert 'id="adherence-chart"' in html and 'id="exercise-pain-chart"' in html
    assert "Dropped sit to stand for now" in html
    assert "Version 2" in html and "Version 1" in html
    assert "No spinal flexion (bending forward)" in html
    assert "Change the plan" not in html  # nurses read, therapists change
    assert AuditLog.objects.filter(actor=nurse, patient=stable_patient, target="exercise plans").exists()

    v1 = web_as(therapist).get(f"/rehab/patients/{stable_patient.pk}/plans/{version.plan_id}/versions/1/")
    assert v1.status_code == 200
    assert ex("sit-to-stand").name in v1.content.decode()
    missing = web_as(therapist).get(f"/rehab/patients/{stable_patient.pk}/plans/{version.plan_id}/versions/9/")
    assert missing.status_code == 404


def test_a_conflict_that_appeared_after_prescribing_is_flagged_to_staff(web_as, stable_patient, therapist):
    prescribe(stable_patient, therapist, spec("sit-to-stand"))
    set_precautions(stable_patient, stability=SpinalStability.UNSTABLE)
    html = web_as(therapist).get(f"/rehab/patients/{stable_patient.pk}/").content.decode()
    assert "Conflicts with the current precautions" in html
    assert "Not suitable for an unstable spine" in html


def test_ending_a_plan_from_the_page(web_as, stable_patient, therapist, nurse):
    plan = prescribe(stable_patient, therapist, spec("ankle-pumps")).plan
    url = f"/rehab/patients/{stable_patient.pk}/plans/{plan.pk}/end/"
    assert web_as(nurse).post(url).status_code == 403
    assert web_as(therapist).post(url).status_code == 302
    assert ExercisePlan.objects.get(pk=plan.pk).status == PlanStatus.ENDED


def test_the_rehab_patient_list_is_scoped_audited_and_a_fixed_number_of_queries(
    web_as, stable_patient, other_patient, therapist, nurse, django_assert_max_num_queries
):
    prescribe(stable_patient, therapist, spec("ankle-pumps"))
    for _ in range(6):
        extra = set_precautions(PatientFactory(team=[nurse, therapist]))
        prescribe(extra, therapist, spec("ankle-pumps"), spec("sit-to-stand"))
    client = web_as(therapist)
    client.get("/rehab/")  # warm the session
    # session, user, patients, plans, pauses, adherence (5), audit insert, notification badge count
    with django_assert_max_num_queries(13):
        response = client.get("/rehab/")
    html = response.content.decode()
    assert response.status_code == 200
    assert stable_patient.name in html and other_patient.name not in html
    assert html.count("Active (version 1)") == 7


# --------------------------------------------------------------------------------------------------
# The patient's pages
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def plan(stable_patient, therapist, frozen):
    return prescribe(stable_patient, therapist, spec("tummy-tighten-lying"), spec("ankle-pumps")).plan


def test_today_shows_instructions_safety_cues_and_a_hold_timer(web_as, plan, stable_patient):
    html = web_as(stable_patient.user).get("/exercises/today/").content.decode()
    tummy = ex("tummy-tighten-lying")
    assert tummy.steps[0].replace("'", "&#x27;") in html
    assert tummy.cues[0].replace("'", "&#x27;") in html
    assert f'data-seconds="{tummy.default_hold_seconds}"' in html
    assert "0 of 2 done" in html


def log_form(item, **fields) -> dict:
    """The today page's log form for one plan item, as the browser sends it (field names carry its prefix)."""
    answers = {"plan_item": item.pk, "completed": "yes", "pain_before": "1", "pain_during": "2", "difficulty": "easy"}
    return {"item": item.pk, **{f"log-{item.pk}-{name}": value for name, value in {**answers, **fields}.items()}}


def test_logging_from_the_page(web_as, plan, stable_patient):
    item = plan.current_version.items.get(exercise__slug="ankle-pumps")
    client = web_as(stable_patient.user)
    response = client.post("/exercises/log/", log_form(item, note=""))
    assert response.status_code == 302
    # Issue #17: to the answer, first in the card (was #item-<pk>, the card itself).
    assert response["Location"] == "/exercises/today/#log-result"
    log = ExerciseLog.objects.get()
    assert (log.plan_item, log.completed, log.pain_during, log.difficulty) == (item, True, 2, "easy")
    html = client.get("/exercises/today/").content.decode()
    assert "Saved. Well done." in html
    assert "1 of 2 done" in html


def test_a_log_sent_twice_from_the_page_is_stored_once(web_as, plan, stable_patient):
    item = plan.current_version.items.get(exercise__slug="ankle-pumps")
    client = web_as(stable_patient.user)
    client_id = form_client_id(client.get("/exercises/today/").content.decode(), f"log-{item.pk}-client_id")
    data = log_form(item, client_id=client_id)
    first, again = client.post("/exercises/log/", data), client.post("/exercises/log/", data)
    assert first.status_code == again.status_code == 302
    assert ExerciseLog.objects.count() == 1
    assert str(ExerciseLog.objects.get().client_id) == client_id
    assert "1 of 2 done" in client.get("/exercises/today/").content.decode()


def test_a_bad_log_form_shows_errors_and_saves_nothing(web_as, plan, stable_patient):
    item = plan.current_version.items.get(exercise__slug="ankle-pumps")
    response = web_as(stable_patient.user).post("/exercises/log/", {"item": item.pk, f"log-{item.pk}-completed": "yes"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ExerciseLog.objects.exists()


def test_logging_an_item_outside_the_patients_plan_is_404(web_as, plan, other_patient):
    item = plan.current_version.items.first()
    assert web_as(other_patient.user).post("/exercises/log/", {"item": item.pk}).status_code == 404
    assert web_as(other_patient.user).post("/exercises/log/", {"item": "x"}).status_code == 404


def test_the_patient_chooses_the_reminder_time(web_as, plan, stable_patient):
    client = web_as(stable_patient.user)
    assert client.post("/exercises/reminder/", {"reminder_time": "07:30"}).status_code == 302
    assert ExercisePlan.objects.get(pk=plan.pk).reminder_time.strftime("%H:%M") == "07:30"
    client.post("/exercises/reminder/", {"reminder_time": ""})
    assert ExercisePlan.objects.get(pk=plan.pk).reminder_time is None
    client.post("/exercises/reminder/", {"reminder_time": "tea time"})
    assert ExercisePlan.objects.get(pk=plan.pk).reminder_time is None


def test_progress_page_draws_the_charts(web_as, plan, stable_patient):
    item = plan.current_version.items.first()
    ExerciseLog.objects.create(
        patient=stable_patient,
        plan_item=item,
        performed_on=NOW.date(),
        completed=True,
        pain_before=2,
        pain_during=3,
        difficulty="ok",
    )
    html = web_as(stable_patient.user).get("/exercises/progress/").content.decode()
    assert "vendor/plotly/plotly.min.js" in html
    assert 'id="adherence-chart"' in html and 'id="exercise-pain-chart"' in html
    assert "cdn" not in html.lower()
    scripts = re.findall(r'<script type="application/json" id="([a-z-]+)-chart-data">(.*?)</script>', html)
    figures = {name: json.loads(text) for name, text in scripts}
    assert set(figures) == {"adherence", "exercise-pain"}
    for figure in figures.values():
        go.Figure(figure)  # built from the saved rows, and valid as plotly's validator judges it
    assert {t["name"]: t["y"] for t in figures["exercise-pain"]["data"]} == {"Pain before": [2], "Pain during": [3]}
    assert figures["adherence"]["data"][0]["type"] == "bar"


def test_home_panels_for_the_patient_and_the_therapist(web_as, plan, stable_patient, therapist):
    html = web_as(stable_patient.user).get("/").content.decode()
    assert "0 of 2 done today." in html
    assert 'href="/exercises/today/"' in html
    html = web_as(therapist).get("/").content.decode()
    assert "Exercise plans" in html


def test_patient_pages_are_for_patients_and_staff_pages_for_staff(web_as, patient, nurse):
    assert web_as(nurse).get("/exercises/today/").status_code == 403
    assert web_as(patient.user).get("/rehab/").status_code == 403
    assert web_as(patient.user).get("/rehab/library/").status_code == 403
    assert web_as(patient.user).get(f"/rehab/patients/{patient.pk}/").status_code == 403


def test_the_library_pages(web_as, therapist, django_assert_max_num_queries):
    client = web_as(therapist)
    client.get("/rehab/library/")
    with django_assert_max_num_queries(5):  # session, user, exercises, navigation badge count
        html = client.get("/rehab/library/").content.decode()
    assert ex("bridging").name in html and "extension" in html
    assert web_as(therapist).get(f"/rehab/library/{ex('bridging').pk}/").status_code == 200


def test_a_high_pain_log_answers_first_in_the_card_used_with_focus_and_an_alert_role(web_as, plan, stable_patient):
    item = plan.current_version.items.get(exercise__slug="ankle-pumps")
    client = web_as(stable_patient.user)
    response = client.post("/exercises/log/", log_form(item, pain_before="2", pain_during="8"))
    assert response["Location"] == "/exercises/today/#log-result"
    html = client.get("/exercises/today/").content.decode()
    card = html[html.index(f'id="item-{item.pk}"') :]
    # The warning opens the card (before the exercise's name and its "done" badge), focused and announced.
    assert card.index('id="log-result"') < card.index(f'id="item-{item.pk}-name"')
    result = card[card.index('id="log-result"') : card.index("</div>")]
    assert 'role="alert"' in result and 'tabindex="-1"' in result and "autofocus" in result
    assert "more pain than we would like" in result and 'href="tel:' in result
    assert 'class="messages"' not in html  # not also far above, at the top of the page
    # Shown once: the next visit is the plain page.
    assert 'id="log-result"' not in client.get("/exercises/today/").content.decode()


def test_a_comfortable_log_says_well_done_in_the_card_as_a_status(web_as, plan, stable_patient):
    item = plan.current_version.items.get(exercise__slug="ankle-pumps")
    client = web_as(stable_patient.user)
    client.post("/exercises/log/", log_form(item))
    html = client.get("/exercises/today/").content.decode()
    card = html[html.index(f'id="item-{item.pk}"') :]
    result = card[card.index('id="log-result"') : card.index("</div>")]
    assert 'role="status"' in result and "Saved. Well done." in result and "tel:" not in result
