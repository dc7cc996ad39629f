"""The patient's check-in page: works without JavaScript, validates every field, never pre-fills
"no problem" over a problem reported last time, and shows the advice with a tappable number."""

import re
import uuid

import pytest
from django.urls import reverse

from tests.factories import CheckInFactory
from tests.pages import form_client_id
from tracker.core.vocab import Bladder, Bowel, Limb, NumbnessSite, PainSite, Walking, WeaknessLevel
from tracker.symptoms.forms import SECTION_FIELDS, SECTION_NAMES, CheckInForm, checkin_initial
from tracker.symptoms.models import SIDE_EFFECT_FIELDS, CheckIn

pytestmark = pytest.mark.django_db

URL = "/checkin/"


def answers(**overrides) -> dict:
    """A complete form submission: everything normal, pain 3 now and 5 at worst."""
    data = {
        "client_id": str(uuid.uuid4()),
        "pain_now": "3",
        "pain_worst_24h": "5",
        "pain_sites": ["mid_back"],
        "night_pain": "no",
        "worse_with_straining": "no",
        "breakthrough_doses": "0",
        "weakness_left_arm": "none",
        "weakness_right_arm": "none",
        "weakness_left_leg": "none",
        "weakness_right_leg": "none",
        "walking": "normal",
        "falls": "0",
        "bladder": "normal",
        "bowel": "normal",
        "fatigue": "0",
        "nausea": "0",
        "diarrhoea": "0",
        "skin_reaction": "0",
        "rash": "0",
        "note": "",
    }
    data.update(overrides)
    return data


def checked(html: str, name: str) -> list[str]:
    """Values of the inputs named `name` that the page renders as checked."""
    inputs = re.findall(r"<input[^>]*>", html)
    return [
        re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if f'name="{name}"' in tag and " checked" in tag
    ]


@pytest.fixture
def web(web_as, patient):
    return web_as(patient.user)


# --- sending a check-in -------------------------------------------------------------------------


def test_the_page_works_without_javascript_and_shows_the_advice(web, patient):
    page = web.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'method="post"' in html and 'type="submit"' in html
    response = web.post(URL, answers(weakness_left_leg="moderate"))
    checkin = CheckIn.objects.get(patient=patient)
    assert response.status_code == 302 and response["Location"] == reverse("symptoms:checkin_done", args=[checkin.pk])
    assert checkin.weakness == {"left_leg": "moderate"} and checkin.pain_now == 3
    done = web.get(response["Location"])
    html = done.content.decode()
    assert 'data-level="emergency"' in html
    number = patient.effective_emergency_number
    assert f'href="tel:{re.sub(r"[^0-9+]", "", number)}"' in html
    assert number in html


def test_every_answer_reaches_the_database(web, patient):
    web.post(
        URL,
        answers(
            pain_now="10",
            pain_worst_24h="10",
            pain_sites=PainSite.values,
            night_pain="yes",
            worse_with_straining="yes",
            breakthrough_doses="4",
            weakness_right_arm="mild",
            numbness=NumbnessSite.values,
            walking="needs_aid",
            falls="2",
            bladder="urgency",
            bowel="incontinence",
            fatigue="4",
            nausea="3",
            diarrhoea="2",
            skin_reaction="1",
            rash="4",
            note="Worse since Tuesday.",
        ),
    )
    row = CheckIn.objects.get(patient=patient)
    assert (row.pain_now, row.pain_worst_24h, row.pain_sites) == (10, 10, PainSite.values)
    assert (row.night_pain, row.worse_with_straining, row.breakthrough_doses) == (True, True, 4)
    assert row.weakness == {"right_arm": "mild"} and row.numbness == NumbnessSite.values
    assert (row.walking, row.falls, row.bladder, row.bowel) == ("needs_aid", 2, "urgency", "incontinence")
    assert row.side_effects == {"fatigue": 4, "nausea": 3, "diarrhoea": 2, "skin_reaction": 1, "rash": 4}
    assert row.note == "Worse since Tuesday."


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("walking", Walking.values),
        ("bladder", Bladder.values),
        ("bowel", Bowel.values),
        *[(f"weakness_{limb}", WeaknessLevel.values) for limb in Limb.values],
        *[(name, ["0", "1", "2", "3", "4"]) for name in SIDE_EFFECT_FIELDS],
        ("pain_now", [str(n) for n in range(11)]),
    ],
)
def test_every_choice_is_accepted(web, patient, field, values):
    for value in values:
        extra = {"pain_worst_24h": "10"} if field == "pain_now" else {}
        response = web.post(URL, answers(**{field: value}, **extra))
        assert response.status_code == 302, (field, value)
    stored = [str(v) for v in CheckIn.objects.filter(patient=patient).order_by("id").values_list(field, flat=True)]
    assert stored == [str(v) for v in values]


INVALID = [
    ("pain_now", "11"),
    ("pain_now", "-1"),
    ("pain_now", "three"),
    ("pain_now", ""),
    ("pain_worst_24h", "11"),
    ("pain_worst_24h", ""),
    ("pain_sites", ["tail"]),
    ("night_pain", "maybe"),
    ("night_pain", ""),
    ("worse_with_straining", "1"),
    ("breakthrough_doses", "-1"),
    ("breakthrough_doses", "51"),
    ("breakthrough_doses", "two"),
    ("weakness_left_arm", "very"),
    ("weakness_right_leg", ""),
    ("numbness", ["nose"]),
    ("walking", "running"),
    ("walking", ""),
    ("falls", "-1"),
    ("falls", "51"),
    ("bladder", "leaky"),
    ("bowel", ""),
    ("fatigue", "5"),
    ("nausea", "-1"),
    ("rash", "severe"),
    ("skin_reaction", ""),
    ("diarrhoea", "2.5"),
    ("note", "x" * 2001),
    ("client_id", "not-a-uuid"),
]


SECTION_OF = {field: section for section, fields in SECTION_FIELDS.items() for field in fields}


@pytest.mark.parametrize(("field", "value"), INVALID)
def test_bad_answers_get_a_form_error_and_only_the_other_sections_are_stored(web, field, value):
    # Issue #17 changed this: a page sent with errors stores every section whose answers are all valid
    # (so a red flag is never lost) and asks again for the rest; before, nothing was stored.
    response = web.post(URL, answers(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'href="#q-{field}"' in html
    assert "This field is required" not in html and "Select a valid choice" not in html
    section = SECTION_OF.get(field)
    if section is None:  # the note or the hidden id: every section is fine, nothing is missing to ask again
        assert "Please check these answers" in html
        assert not CheckIn.objects.exists()
    else:
        assert f"We still need {SECTION_NAMES[section]}" in html
        assert CheckIn.objects.get().sections_missing == [section]


def test_worst_pain_below_pain_now_is_a_form_error(web):
    response = web.post(URL, answers(pain_now="6", pain_worst_24h="4"))
    assert "pain_worst_24h" in response.context["form"].errors
    assert not CheckIn.objects.filter(pain_now__isnull=False).exists()


def test_a_failed_form_keeps_the_answers_under_a_new_client_id(web):
    """Nothing was stored under the old id for what is asked again; a new one means that this form, sent
    again later (Back, then the browser's resend) and perhaps changed, is stored as sent, never taken for
    a check-in stored since. (Issue #17: the valid sections are stored and listed, the rest kept.)"""
    data = answers(pain_now="6", pain_worst_24h="4", walking="unsteady")
    html = web.post(URL, data).content.decode()
    assert checked(html, "pain_now") == ["6"] and checked(html, "pain_worst_24h") == ["4"]
    assert "Walking: Unsteady on my feet" in html  # stored, and listed as sent
    assert form_client_id(html) != data["client_id"]


def test_sending_the_same_form_twice_stores_one_check_in(web, patient):
    data = answers()
    first = web.post(URL, data)
    second = web.post(URL, data)
    assert first["Location"] == second["Location"]
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_a_new_form_gets_a_new_client_id(web):
    first = re.search(r'name="client_id" value="([^"]+)"', web.get(URL).content.decode()).group(1)
    second = re.search(r'name="client_id" value="([^"]+)"', web.get(URL).content.decode()).group(1)
    assert uuid.UUID(first) != uuid.UUID(second)


# --- what is pre-filled -------------------------------------------------------------------------


def test_the_first_check_in_starts_with_nothing_wrong_and_no_pain_score(web):
    html = web.get(URL).content.decode()
    assert checked(html, "pain_now") == [] and checked(html, "pain_worst_24h") == []
    assert checked(html, "weakness_left_leg") == ["none"]
    assert checked(html, "walking") == ["normal"] and checked(html, "fatigue") == ["0"]
    assert checked(html, "night_pain") == ["no"]
    assert "Last time you said" not in html


def test_no_weakness_is_never_prefilled_over_a_previous_weakness(web, patient):
    CheckInFactory(
        patient=patient,
        days_ago=1,
        weakness_left_leg="moderate",
        walking="unsteady",
        bladder="retention",
        bowel="constipation",
        fatigue=2,
        night_pain=True,
        numbness=["left_leg"],
        pain_sites=["lower_back", "left_leg"],
        mild_pain=True,
        evaluated=True,
    )
    html = web.get(URL).content.decode()
    # Problems reported last time must be answered again: nothing is chosen for them...
    for name in ("weakness_left_leg", "walking", "bladder", "bowel", "fatigue", "night_pain"):
        assert checked(html, name) == [], name
    # ...and the page says what was reported.
    assert "Last time you said: Hard to lift, grip or stand on" in html
    assert "Last time you said: Unsteady on my feet" in html
    # Answers that were fine last time start fine; pain scores never start filled in.
    assert checked(html, "weakness_right_leg") == ["none"] and checked(html, "nausea") == ["0"]
    assert checked(html, "worse_with_straining") == ["no"]
    assert checked(html, "pain_now") == []
    # Reported sites are carried (ticked), so removing one is a deliberate change.
    assert checked(html, "pain_sites") == ["lower_back", "left_leg"]
    assert checked(html, "numbness") == ["left_leg"]


def test_submitting_without_answering_a_carried_problem_is_an_error(web, patient):
    CheckInFactory(patient=patient, days_ago=1, weakness_left_leg="mild", mild_pain=True, evaluated=True)
    data = answers()
    data.pop("weakness_left_leg")
    response = web.post(URL, data)
    assert "weakness_left_leg" in response.context["form"].errors
    # Issue #17: the pain and side effects are stored; the neurological part is asked again, never
    # stored as "normal strength" over last time's weakness.
    assert not CheckIn.objects.filter(patient=patient, neuro_answered=True).exclude(weakness_left_leg="mild").exists()
    assert CheckIn.objects.filter(patient=patient).latest("id").sections_missing == ["neuro"]


def test_checkin_initial_rules_in_one_table(patient):
    previous = CheckInFactory(
        patient=patient,
        days_ago=1,
        weakness_right_arm="severe",
        rash=3,
        bowel="incontinence",
        mild_pain=True,
        evaluated=True,
    )
    initial, last_time = checkin_initial(previous)
    assert "weakness_right_arm" not in initial and last_time["weakness_right_arm"] == WeaknessLevel.SEVERE.label
    assert "rash" not in initial and "bowel" not in initial
    assert initial["weakness_left_arm"] == "none" and initial["fatigue"] == 0
    assert "pain_now" not in initial and "pain_worst_24h" not in initial
    assert initial["breakthrough_doses"] == 0 and initial["falls"] == 0
    form = CheckInForm(initial=initial)
    assert not form.is_bound


# --- the confirmation page ----------------------------------------------------------------------


def test_confirmation_page_urgent_advice(web, patient):
    CheckInFactory(patient=patient, days_ago=1, pain_now=2, pain_worst_24h=3, evaluated=True)
    response = web.post(URL, answers(pain_now="5", pain_worst_24h="8"))
    html = web.get(response["Location"]).content.decode()
    assert 'data-level="urgent"' in html and "within 24 hours" in html
    assert "tel:" in html


def test_confirmation_page_no_advice_needed(web, patient):
    CheckInFactory(patient=patient, days_ago=1, pain_now=3, pain_worst_24h=5, pain_sites=["mid_back"], evaluated=True)
    response = web.post(URL, answers())
    html = web.get(response["Location"]).content.decode()
    assert 'data-level="none"' in html and "Thank you" in html
    assert "tel:" not in html.split('id="advice"')[1].split("</section>")[0]


def test_the_patients_own_emergency_number_is_the_tel_link(web, patient):
    patient.emergency_number = "+1 (555) 010-0199"
    patient.save()
    response = web.post(URL, answers(walking="unable"))
    html = web.get(response["Location"]).content.decode()
    assert 'href="tel:+15550100199"' in html and "+1 (555) 010-0199" in html


def test_another_patients_confirmation_is_404(web_as, patient, other_patient):
    theirs = CheckInFactory(patient=other_patient, days_ago=1, mild_pain=True, evaluated=True)
    assert web_as(patient.user).get(reverse("symptoms:checkin_done", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("actor", ["nurse", "admin"])
def test_staff_cannot_use_the_patient_pages(web_as, actors, actor):
    client = web_as(actors[actor])
    assert client.get(URL).status_code == 403
    assert client.post(URL, answers()).status_code == 403
    assert client.get(reverse("symptoms:my_history")).status_code == 403
    assert not CheckIn.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_check_in_page_is_in_the_patient_nav_and_not_the_staff_nav(web_as, patient, nurse):
    assert f'href="{URL}"' in web_as(patient.user).get("/").content.decode()
    assert f'href="{URL}"' not in web_as(nurse).get("/").content.decode()


def test_a_confirmation_opened_much_later_says_which_check_in_it_was_about(web, patient):
    from datetime import timedelta

    from django.utils import timezone

    response = web.post(URL, answers(walking="unable"))
    assert "If anything has changed since" not in web.get(response["Location"]).content.decode()
    CheckIn.objects.update(submitted_at=timezone.now() - timedelta(days=2))
    html = web.get(response["Location"]).content.decode()
    assert "If anything has changed since, please do a new check-in." in html
