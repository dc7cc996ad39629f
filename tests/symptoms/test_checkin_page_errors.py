"""Issue #17 on the pages: a check-in page sent with errors loses nothing (the valid sections are stored,
the advice is shown on top with a tap-to-call number, the rest asked again in plain words), the result
page lists every red-flag item, and the home page keeps the call-now card until a clinician has seen
the report, then says who saw it and when."""

import re
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories import CheckInFactory
from tests.symptoms.test_checkin_page import answers, checked
from tracker.alerts.models import Alert
from tracker.alerts.services import alert_acknowledge, alert_resolve, submission_evaluate
from tracker.symptoms.models import CheckIn

pytestmark = pytest.mark.django_db

URL = "/checkin/"


@pytest.fixture
def web(web_as, patient):
    return web_as(patient.user)


def tel(patient) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", patient.effective_emergency_number)


def test_weakness_ticked_with_pain_missing_stores_the_weakness_and_shows_call_now_on_top(web, patient):
    data = answers(weakness_left_leg="moderate", falls="1", note="Leg gave way on the stairs.")
    del data["pain_now"], data["pain_worst_24h"]
    response = web.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    # Stored: the neurological part and the side effects, with the note; pain not answered.
    checkin = CheckIn.objects.get(patient=patient)
    assert checkin.weakness == {"left_leg": "moderate"} and checkin.falls == 1
    assert checkin.pain_now is None and checkin.sections_missing == ["pain"]
    assert checkin.note == "Leg gave way on the stairs."
    # The emergency advice comes first on the page, with the patient's number to tap.
    assert 'data-level="emergency"' in html
    assert html.index('id="advice"') < html.index('id="missing"') < html.index('id="checkin-form"')
    assert f'href="{tel(patient)}"' in html
    # What was sent is listed; what is missing is asked for in the patient's words.
    assert "Left leg: Hard to lift, grip or stand on" in html and "Falls: 1" in html
    assert "We still need your pain" in html
    assert "Please tap a number for your pain right now: 0 means no pain." in html
    assert "This field is required" not in html
    # The form now asks only for the pain, and says so when it is sent again.
    assert 'name="sections" value="pain"' in html and 'name="note_sent" value="1"' in html
    assert 'name="walking"' not in html and 'name="note"' not in html
    # The alert is raised like any other check-in's.
    submission_evaluate(label="symptoms.checkin", pk=checkin.pk)
    assert Alert.objects.get(patient=patient).rule == "neuro_deficit"


def test_sending_the_missing_pain_afterwards_stores_a_pain_only_check_in(web, patient):
    data = answers(weakness_left_leg="moderate")
    del data["pain_now"]
    html = web.post(URL, data).content.decode()
    follow_up = {
        "client_id": re.search(r'name="client_id" value="([^"]+)"', html).group(1),
        "sections": "pain",
        "note_sent": "1",
        **{k: data[k] for k in ("pain_worst_24h", "night_pain", "worse_with_straining", "breakthrough_doses")},
        "pain_now": "4",
    }
    response = web.post(URL, follow_up)
    second = CheckIn.objects.filter(patient=patient).latest("id")
    assert response.status_code == 302 and response["Location"] == f"/checkin/{second.pk}/"
    assert (second.pain_now, second.pain_worst_24h) == (4, 5)
    assert second.sections_missing == ["neuro", "side_effects"]
    assert CheckIn.objects.filter(patient=patient).count() == 2


def test_pain_out_of_range_with_a_bladder_problem_stores_the_bladder_problem_and_shows_call_now(web, patient):
    response = web.post(URL, answers(pain_now="11", bladder="retention"))
    html = response.content.decode()
    checkin = CheckIn.objects.get(patient=patient)
    assert checkin.bladder == "retention" and checkin.pain_now is None
    assert 'data-level="emergency"' in html and f'href="{tel(patient)}"' in html
    assert "Bladder:" in html[html.index('id="saved"') :]
    assert "Please tap a number from 0 to 10." in html
    # The answers given are kept: the worst pain the patient chose is still chosen.
    assert checked(html, "pain_worst_24h") == ["5"]


def test_a_double_tap_on_a_form_with_errors_stores_the_valid_part_once(web, patient):
    data = answers(weakness_right_leg="severe")
    del data["pain_now"]
    web.post(URL, data)
    web.post(URL, data)
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_when_no_section_is_complete_the_advice_from_the_valid_answers_is_still_shown(web, patient):
    data = answers(weakness_left_leg="severe")
    del data["pain_now"], data["walking"], data["fatigue"]  # every section has a gap
    html = web.post(URL, data).content.decode()
    assert not CheckIn.objects.exists()
    assert 'data-level="emergency"' in html and f'href="{tel(patient)}"' in html
    assert checked(html, "weakness_left_leg") == ["severe"]  # kept
    assert "We still need your pain, the strength in your arms and legs" in html


def test_the_result_page_lists_every_red_flag_item(web, patient):
    checkin = CheckInFactory(
        patient=patient,
        days_ago=0,
        weakness_left_leg="moderate",
        weakness_right_arm="mild",
        numbness=["saddle"],
        falls=2,
        bladder="retention",
        bowel="incontinence",
        walking="needs_aid",
        mild_pain=True,
        evaluated=True,
    )
    html = web.get(f"/checkin/{checkin.pk}/").content.decode()
    reported = html[html.index('id="reported"') :]
    for item in ("Left leg: Hard to lift", "Right arm: A bit weaker", "Numbness:", "Falls: 2", "Bladder:", "Bowels:"):
        assert item in reported, item
    assert "Walking" in reported and "Pain now" in reported


def test_the_result_page_of_a_check_in_without_pain_says_so_and_offers_to_add_it(web, patient):
    checkin = CheckInFactory(
        patient=patient, days_ago=0, pain_now=None, pain_worst_24h=None, weakness_left_leg="mild", evaluated=True
    )
    html = web.get(f"/checkin/{checkin.pk}/").content.decode()
    assert "Pain now" not in html and "Not answered this time: your pain." in html
    assert 'href="/checkin/?sections=pain"' in html
    form = web.get("/checkin/?sections=pain").content.decode()
    assert 'name="pain_now"' in form and 'name="walking"' not in form


# --- the home page --------------------------------------------------------------------------------


def test_home_keeps_the_call_now_card_until_a_nurse_sees_the_report_then_says_who_and_when(web, patient, nurse):
    nurse.first_name, nurse.last_name = "Mei", "Chen"
    nurse.save()
    checkin = CheckInFactory(
        patient=patient, days_ago=0, weakness_left_leg="moderate", evaluated_at=None, mild_pain=True
    )
    submission_evaluate(label="symptoms.checkin", pk=checkin.pk)
    alert = Alert.objects.get(patient=patient)

    html = web.get("/").content.decode()
    card = html[html.index('id="call-now"') :]
    assert 'data-level="emergency"' in card[:200]
    assert f'href="{tel(patient)}"' in card
    assert "saw your report" not in html

    seen_at = timezone.make_aware(datetime(2026, 11, 20, 16, 32))
    with time_machine.travel(seen_at, tick=False):
        alert_acknowledge(alert=alert, user=nurse)
        html = web.get("/").content.decode()
    assert 'id="call-now"' not in html
    assert "Nurse Chen saw your report at 16:32." in html

    with time_machine.travel(seen_at, tick=False):
        alert_resolve(alert=alert, user=nurse, outcome="urgent_mri", note="MRI booked.")
        assert "Nurse Chen saw your report at 16:32." in web.get("/").content.decode()


def test_home_has_no_call_now_card_for_routine_alerts_or_none(web, patient):
    CheckInFactory(patient=patient, days_ago=0, mild_pain=True, evaluated=True)
    html = web.get("/").content.decode()
    assert 'id="call-now"' not in html and "Done today, thank you" in html
