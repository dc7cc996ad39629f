"""Patient pages: questionnaires due on schedule, forms that refuse gaps, advice, support content."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.pages import form_client_id
from tracker.core.vocab import Instrument
from tracker.psych.models import ContentDelivery, Screen
from tracker.psych.services import programme_assign, screen_schedule_set, screen_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

PHQ9_ALL = {f"q{n}": "0" for n in range(1, 10)}


def test_phq9_form_shows_the_published_items(web_as, patient):
    page = web_as(patient.user).get("/screens/new/phq9/").content.decode()
    assert "Over the last 2 weeks, how often have you been bothered by any of the following problems?" in page
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in page
    assert page.count('type="radio"') == 9 * 4
    assert "Nearly every day" in page


def test_gad7_form_shows_the_published_items(web_as, patient):
    page = web_as(patient.user).get("/screens/new/gad7/").content.decode()
    assert "Not being able to stop or control worrying" in page
    assert page.count('type="radio"') == 7 * 4


def test_an_incomplete_phq9_is_refused_with_a_field_error_and_nothing_saved(web_as, patient):
    answers = dict(PHQ9_ALL)
    del answers["q4"]
    response = web_as(patient.user).post("/screens/new/phq9/", answers)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please answer this question." in page
    assert 'id="id_q4_error"' in page
    assert "checked" in page  # the answers already given are kept
    assert not Screen.objects.exists()


def test_an_out_of_range_answer_is_refused(web_as, patient):
    response = web_as(patient.user).post("/screens/new/gad7/", {f"q{n}": "4" for n in range(1, 8)})
    assert response.status_code == 200 and not Screen.objects.exists()


def test_item9_above_zero_shows_the_crisis_line_at_once(web_as, patient, settings):
    settings.TRACKER_CRISIS_LINE = "Lifeline: call 0800 543 354"
    client = web_as(patient.user)
    response = client.post("/screens/new/phq9/", {**PHQ9_ALL, "q9": "1"}, follow=True)
    page = response.content.decode()
    assert 'id="crisis-help"' in page
    # issue 17: the number inside the crisis line is tap-to-call (it was plain text)
    assert 'Lifeline: call <a class="tel" href="tel:0800543354">0800 543 354</a>' in page
    assert f'href="tel:{patient.effective_emergency_number.replace(" ", "")}"' in page
    assert Screen.objects.get().self_harm is True


def test_a_positive_screen_says_the_team_will_be_in_touch_and_what_support_exists(web_as, patient):
    response = web_as(patient.user).post(
        "/screens/new/distress_thermometer/", {"score": "7", "problems": ["practical", "emotional"]}, follow=True
    )
    page = response.content.decode()
    assert "Someone from your care team will contact you" in page
    assert 'id="support-options"' in page and "social worker" in page
    assert 'id="crisis-help"' not in page


def test_a_negative_screen_just_thanks(web_as, patient):
    page = (
        web_as(patient.user)
        .post("/screens/new/gad7/", {f"q{n}": "0" for n in range(1, 8)}, follow=True)
        .content.decode()
    )
    assert "Your answers have been saved" in page
    assert 'id="support-options"' not in page


def test_the_distress_thermometer_needs_a_score(web_as, patient):
    response = web_as(patient.user).post("/screens/new/distress_thermometer/", {"problems": ["family"]})
    assert "Please choose a number from 0 to 10." in response.content.decode()
    assert not Screen.objects.exists()


@pytest.mark.parametrize(
    "instrument, answers",
    [("phq9", {**PHQ9_ALL, "q1": "3"}), ("distress_thermometer", {"score": "6", "problems": ["practical"]})],
)
def test_answers_sent_twice_are_stored_once(web_as, patient, instrument, answers):
    client = web_as(patient.user)
    url = f"/screens/new/{instrument}/"
    data = {**answers, "client_id": form_client_id(client.get(url).content.decode())}
    first, again = client.post(url, data), client.post(url, data)  # a double tap, or a resend after a lost reply
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Screen.objects.filter(patient=patient).count() == 1
    assert str(Screen.objects.get().client_id) == data["client_id"]
    assert form_client_id(client.get(url).content.decode()) != data["client_id"]  # the next form is a new screen


def test_a_refused_questionnaire_sent_again_later_and_changed_is_stored_as_sent(web_as, patient):
    client = web_as(patient.user)
    url = "/screens/new/gad7/"
    answered = {f"q{n}": "0" for n in range(1, 8)}
    sent_id = form_client_id(client.get(url).content.decode())
    refused = client.post(url, {"q1": "1", "client_id": sent_id})  # six answers missing
    assert refused.status_code == 200 and refused.content.decode().count('type="radio"') == 7 * 4
    fixed_id = form_client_id(refused.content.decode())
    assert fixed_id != sent_id  # shown again, the form is a new one
    assert client.post(url, {**answered, "client_id": fixed_id}).status_code == 302
    # Back to the refused page: the browser sends that POST again, and the patient now answers differently.
    again = client.post(url, {"q1": "1", "client_id": sent_id})
    changed_id = form_client_id(again.content.decode())
    assert changed_id not in (sent_id, fixed_id)
    assert client.post(url, {**answered, "q1": "3", "client_id": changed_id}).status_code == 302
    assert sorted(Screen.objects.values_list("total", flat=True)) == [0, 3]


def test_unknown_questionnaire_is_404_and_others_results_are_404(web_as, patient, other_patient):
    client = web_as(patient.user)
    assert client.get("/screens/new/hads/").status_code == 404
    theirs, _ = screen_submit(patient=other_patient, instrument=Instrument.GAD7, answers=[0] * 7)
    assert client.get(f"/screens/{theirs.pk}/").status_code == 404


def test_staff_cannot_open_patient_questionnaire_pages(web_as, psychologist):
    assert web_as(psychologist).get("/screens/").status_code == 403
    assert web_as(psychologist).get("/support/").status_code == 403


# --- schedule: due screens on the home page ------------------------------------------------------


def home(client):
    return client.get("/").content.decode()


def test_due_screens_appear_on_the_home_page_on_their_schedule(web_as, patient):
    enrolled = datetime(2026, 6, 1, 10, tzinfo=UTC)
    patient.enrolled_at = enrolled
    patient.save()
    client = web_as(patient.user)
    with time_machine.travel(enrolled + timedelta(hours=1), tick=False):
        page = home(client)
        assert "Questionnaires to answer" in page
        for instrument in ("distress_thermometer", "phq9", "gad7"):
            assert f"/screens/new/{instrument}/" in page
        for instrument, kwargs in (
            (Instrument.DISTRESS_THERMOMETER, {"score": 1}),
            (Instrument.PHQ9, {"answers": [0] * 9}),
            (Instrument.GAD7, {"answers": [0] * 7}),
        ):
            screen_submit(patient=patient, instrument=instrument, **kwargs)
        assert "Questionnaires to answer" not in home(client)
    with time_machine.travel(enrolled + timedelta(days=6), tick=False):
        assert "Questionnaires to answer" not in home(client)
    with time_machine.travel(datetime(2026, 6, 8, 0, 5, tzinfo=UTC), tick=False):  # a week later: weekly thermometer
        page = home(client)
        assert "/screens/new/distress_thermometer/" in page and "/screens/new/phq9/" not in page
    with time_machine.travel(datetime(2026, 6, 29, 8, tzinfo=UTC), tick=False):  # 4 weeks: PHQ-9 and GAD-7 too
        page = home(client)
        assert "/screens/new/phq9/" in page and "/screens/new/gad7/" in page


def test_the_schedule_is_configurable_per_patient(web_as, patient, psychologist):
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False):
        screen_submit(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=1)
        screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=[0] * 9)
        screen_submit(patient=patient, instrument=Instrument.GAD7, answers=[0] * 7)
    response = web_as(psychologist).post(
        f"/psych/patients/{patient.pk}/schedule/", {"distress_thermometer": "3", "phq9": "14", "gad7": "0"}
    )
    assert response.status_code == 302
    client = web_as(patient.user)
    with time_machine.travel(datetime(2026, 6, 4, 9, tzinfo=UTC), tick=False):
        page = home(client)
        assert "/screens/new/distress_thermometer/" in page and "/screens/new/phq9/" not in page
    with time_machine.travel(datetime(2026, 7, 30, 9, tzinfo=UTC), tick=False):
        page = home(client)
        assert "/screens/new/phq9/" in page and "/screens/new/gad7/" not in page  # GAD-7 switched off


def test_schedule_form_refuses_bad_values(web_as, patient, psychologist):
    response = web_as(psychologist).post(
        f"/psych/patients/{patient.pk}/schedule/", {"distress_thermometer": "-1", "phq9": "abc", "gad7": "400"}
    )
    assert response.status_code == 400
    assert not patient.screen_schedules.exists()


def test_screen_reminders_are_sent_once_per_due_period(patient):
    from django.core.management import call_command

    from tracker.notifications.models import Notification

    enrolled = datetime(2026, 6, 1, 10, tzinfo=UTC)
    patient.enrolled_at = enrolled
    patient.save()
    screen_schedule_set(patient=patient, every_days={"phq9": 0, "gad7": 0}, changed_by=None)
    reminders = Notification.objects.filter(recipient=patient.user, kind="psych_screen_due")
    with time_machine.travel(enrolled, tick=False):
        call_command("sweep", "--only", "screen_reminders")
        call_command("sweep", "--only", "screen_reminders")
        assert reminders.count() == 1
        screen_submit(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=1)
    with time_machine.travel(enrolled + timedelta(days=6), tick=False):
        call_command("sweep", "--only", "screen_reminders")
        assert reminders.count() == 1
    with time_machine.travel(enrolled + timedelta(days=7), tick=False):
        call_command("sweep", "--only", "screen_reminders")
        call_command("sweep", "--only", "screen_reminders")
        assert reminders.count() == 2
    assert {r.channel for r in reminders} == {"in_app"}


# --- support content -----------------------------------------------------------------------------


@pytest.fixture
def delivered(patient, psychologist, programme):
    programme_assign(patient=patient, programme=programme, start_date=timezone.localdate(), assigned_by=psychologist)
    return ContentDelivery.objects.get(patient=patient)


def test_new_support_content_shows_on_the_home_page_until_done(web_as, patient, delivered):
    client = web_as(patient.user)
    assert delivered.module.title in home(client)
    page = client.get(f"/support/{delivered.pk}/").content.decode()
    assert "<h2>Your pain is real</h2>" in page  # Markdown rendered
    delivered.refresh_from_db()
    assert delivered.opened_at is not None and delivered.completed_at is None
    response = client.post(f"/support/{delivered.pk}/done/", {"helpful": "yes"})
    assert response.status_code == 302
    delivered.refresh_from_db()
    assert delivered.completed_at is not None and delivered.helpful is True
    assert "Support sessions for you" not in home(client)


def test_content_can_be_marked_done_without_a_rating_and_rated_later(web_as, patient, delivered):
    client = web_as(patient.user)
    client.post(f"/support/{delivered.pk}/done/", {})
    delivered.refresh_from_db()
    first_done = delivered.completed_at
    assert first_done is not None and delivered.helpful is None
    client.post(f"/support/{delivered.pk}/done/", {"helpful": "no"})
    delivered.refresh_from_db()
    assert delivered.helpful is False and delivered.completed_at == first_done


def test_someone_elses_content_is_404(web_as, other_patient, delivered):
    client = web_as(other_patient.user)
    assert client.get(f"/support/{delivered.pk}/").status_code == 404
    assert client.post(f"/support/{delivered.pk}/done/").status_code == 404


def test_content_api_lists_and_completes(api_as, patient, delivered, other_patient):
    client = api_as(patient.user)
    [item] = client.get("/api/v1/content/").json()["results"]
    assert item["id"] == delivered.pk and item["done"] is False and "<h2>" in item["body_html"]
    done = client.post(f"/api/v1/content/{delivered.pk}/complete/", {"helpful": True})
    assert done.status_code == 200 and done.json()["done"] is True and done.json()["helpful"] is True
    assert client.post(f"/api/v1/content/{delivered.pk}/complete/", {"helpful": "maybe"}).status_code == 400
    assert api_as(other_patient.user).post(f"/api/v1/content/{delivered.pk}/complete/").status_code == 404
    assert api_as(other_patient.user).get("/api/v1/content/").json()["count"] == 0
