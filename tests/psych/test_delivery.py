"""Support programmes: each module delivered on its day, exactly once, with a notice (frozen time)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import PatientFactory
from tracker.notifications.models import Notification
from tracker.psych.models import AssignmentStatus, ContentDelivery, ProgrammeAssignment, ProgrammeModule
from tracker.psych.selectors import content_due_today
from tracker.psych.services import content_deliver_due, programme_assign, programme_changed, programme_stop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

START = date(2026, 3, 2)
UTC = ZoneInfo("UTC")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def sweep_twice(out=None):
    call_command("sweep", "--only", "deliver_content", stdout=out)
    call_command("sweep", "--only", "deliver_content", stdout=out)


@pytest.fixture
def assignment(patient, psychologist, programme):
    with time_machine.travel(at(START - timedelta(days=1)), tick=False):
        return programme_assign(patient=patient, programme=programme, start_date=START, assigned_by=psychologist)[0]


def offsets(programme):
    return list(
        ProgrammeModule.objects.filter(programme=programme)
        .order_by("day_offset")
        .values_list("day_offset", "module_id")
    )


def test_each_module_arrives_on_its_day_exactly_once_even_when_the_sweep_runs_twice(assignment, programme, patient):
    plan = offsets(programme)
    assert [o for o, _m in plan] == [0, 5, 10, 17, 24, 31]
    assert not ContentDelivery.objects.exists()  # assigned the day before: nothing yet
    for offset, module_id in plan:
        day = START + timedelta(days=offset)
        with time_machine.travel(at(day - timedelta(days=1), 23), tick=False):
            sweep_twice()
            assert not ContentDelivery.objects.filter(module_id=module_id).exists(), "delivered a day early"
        with time_machine.travel(at(day, 0) + timedelta(minutes=1), tick=False):
            sweep_twice()
            delivered = ContentDelivery.objects.filter(module_id=module_id)
            assert delivered.count() == 1
            assert delivered.get().due_on == day
    assert ContentDelivery.objects.filter(patient=patient).count() == len(plan)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.FINISHED and assignment.next_due_on is None


def test_each_delivery_gets_one_in_app_notice_and_one_neutral_email(assignment, patient):
    with time_machine.travel(at(START + timedelta(days=5)), tick=False):
        sweep_twice()
    deliveries = list(ContentDelivery.objects.filter(patient=patient))
    assert len(deliveries) == 2  # day 0 and day 5
    in_app = Notification.objects.filter(recipient=patient.user, channel="in_app", kind="psych_content")
    email = Notification.objects.filter(recipient=patient.user, channel="email", kind="psych_content")
    assert in_app.count() == 2 and email.count() == 2
    assert {n.link for n in in_app} == {f"/support/{d.pk}/" for d in deliveries}
    for row in email:
        assert row.subject == "Something new is waiting for you"  # neutral: no health words
    assert all(d.notified_at is not None for d in ContentDelivery.objects.all())


def test_emails_are_sent_by_the_notification_retry_job(assignment, patient):
    with time_machine.travel(at(START), tick=False):
        call_command("sweep", "--only", "deliver_content", "--only", "retry_notifications")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [patient.user.email]
    assert "Coping" not in message.subject + message.body and "pain" not in message.body.lower()


def test_no_email_when_the_assignment_says_in_app_only(patient, psychologist, programme):
    with time_machine.travel(at(START), tick=False):
        programme_assign(
            patient=patient, programme=programme, start_date=START, assigned_by=psychologist, notify_by_email=False
        )
        sweep_twice()
    assert Notification.objects.filter(recipient=patient.user, kind="psych_content", channel="in_app").count() == 1
    assert not Notification.objects.filter(recipient=patient.user, kind="psych_content", channel="email").exists()


def test_assigning_on_the_start_day_delivers_day_0_at_once(patient, psychologist, programme):
    with time_machine.travel(at(START), tick=False):
        assignment, _created = programme_assign(
            patient=patient, programme=programme, start_date=START, assigned_by=psychologist
        )
    assert list(assignment.deliveries.values_list("due_on", flat=True)) == [START]
    assignment.refresh_from_db()
    assert assignment.next_due_on == START + timedelta(days=5)


def test_missed_days_are_caught_up_once_on_the_next_run(assignment, patient):
    with time_machine.travel(at(START + timedelta(days=11)), tick=False):
        sweep_twice()
    assert sorted(ContentDelivery.objects.values_list("due_on", flat=True)) == [
        START,
        START + timedelta(days=5),
        START + timedelta(days=10),
    ]


def test_a_stopped_programme_delivers_nothing_more(assignment, psychologist):
    with time_machine.travel(at(START), tick=False):
        sweep_twice()
        assert programme_stop(assignment=assignment, stopped_by=psychologist) is True
        assert programme_stop(assignment=assignment, stopped_by=psychologist) is False
    with time_machine.travel(at(START + timedelta(days=40)), tick=False):
        sweep_twice()
    assert ContentDelivery.objects.count() == 1


def test_a_module_added_to_a_running_programme_reaches_patients_on_it(assignment, programme):
    from tracker.psych.models import ContentModule

    with time_machine.travel(at(START + timedelta(days=2)), tick=False):
        sweep_twice()
        extra = ContentModule.objects.get(slug="body-scan")
        ProgrammeModule.objects.create(programme=programme, module=extra, day_offset=1)
        programme_changed(programme=programme)
        sweep_twice()
    assert ContentDelivery.objects.filter(module=extra, due_on=START + timedelta(days=1)).count() == 1


def test_delivery_uses_the_sites_time_zone_for_the_day(settings, patient, psychologist, programme):
    settings.TIME_ZONE = "Pacific/Auckland"  # UTC+13 in March
    timezone.deactivate()
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False):  # 2 March 01:00 in Auckland
        programme_assign(patient=patient, programme=programme, start_date=START, assigned_by=psychologist)
    assert ContentDelivery.objects.filter(due_on=START).count() == 1


def test_the_same_module_in_two_programmes_is_delivered_for_each(patient, psychologist):
    from tracker.psych.models import Programme

    with time_machine.travel(at(START + timedelta(days=30)), tick=False):
        for slug in ("coping-with-pain-and-worry", "living-with-uncertainty"):
            programme_assign(
                patient=patient, programme=Programme.objects.get(slug=slug), start_date=START, assigned_by=psychologist
            )
        sweep_twice()
    assert ContentDelivery.objects.filter(module__slug="worry-time").count() == 2


def test_content_due_today_is_delivered_and_not_done(assignment, patient):
    from tracker.psych.services import content_complete

    with time_machine.travel(at(START + timedelta(days=5)), tick=False):
        sweep_twice()
        items = content_due_today(patient, timezone.localdate())
        assert [i.due_on for i in items] == [START, START + timedelta(days=5)]
        content_complete(delivery=items[0])
        assert [i.due_on for i in content_due_today(patient, timezone.localdate())] == [START + timedelta(days=5)]
        assert items[0].module.title  # module is loaded for the caller


def test_delivery_queries_do_not_grow_with_the_number_of_patients(
    psychologist, programme, django_assert_max_num_queries
):
    """Per batch: assignments, existing deliveries, count, insert, count, cursor update; then notices."""
    patients = [PatientFactory(team=[psychologist]) for _ in range(40)]
    with time_machine.travel(at(START - timedelta(days=1)), tick=False):
        for p in patients:
            programme_assign(patient=p, programme=programme, start_date=START, assigned_by=psychologist)
    with time_machine.travel(at(START + timedelta(days=5)), tick=False), django_assert_max_num_queries(30):
        result = content_deliver_due(now=timezone.now())
    assert result.delivered == 80 and result.notified == 80
    assert Notification.objects.filter(kind="psych_content").count() == 160
    assert ProgrammeAssignment.objects.filter(next_due_on=START + timedelta(days=10)).count() == 40


def test_delivery_in_small_batches_gives_the_same_result(psychologist, programme):
    patients = [PatientFactory(team=[psychologist]) for _ in range(7)]
    with time_machine.travel(at(START - timedelta(days=1)), tick=False):
        for p in patients:
            programme_assign(patient=p, programme=programme, start_date=START, assigned_by=psychologist)
    with time_machine.travel(at(START), tick=False):
        result = content_deliver_due(now=timezone.now(), batch_size=3)
        again = content_deliver_due(now=timezone.now(), batch_size=3)
    assert (result.delivered, result.notified, again.delivered, again.notified) == (7, 7, 0, 0)


def test_the_emails_are_queued_a_batch_to_a_task_after_commit_and_each_is_sent_once(
    patient, psychologist, programme, django_capture_on_commit_callbacks, monkeypatch
):
    from tracker.notifications import services as notification_services
    from tracker.notifications import tasks as notification_tasks

    others = [PatientFactory(team=[psychologist]) for _ in range(4)]
    with time_machine.travel(at(START - timedelta(days=1)), tick=False):
        for who in [patient, *others]:
            programme_assign(patient=who, programme=programme, start_date=START, assigned_by=psychologist)
    queued = []
    monkeypatch.setattr(notification_services, "SEND_BATCH", 2)
    monkeypatch.setattr(notification_tasks.send_notifications, "apply_async", lambda args, retry: queued.append(args))
    with time_machine.travel(at(START), tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        content_deliver_due(now=timezone.now())
        assert queued == []  # nothing is queued before the job's transaction commits
    emails = Notification.objects.filter(channel="email", kind="psych_content")
    assert len(callbacks) == 3 and [len(ids) for (ids,) in queued] == [2, 2, 1]
    assert sorted(pk for (ids,) in queued for pk in ids) == sorted(emails.values_list("pk", flat=True))

    for ids in queued:
        notification_tasks.send_notifications(*ids)
        notification_tasks.send_notifications(*ids)  # a retried task sends nothing twice
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in [patient, *others])


def test_one_batch_with_different_start_days_moves_each_cursor_to_its_own_next_day(psychologist, programme):
    plan = [offset for offset, _module in offsets(programme)]
    days_in = [0, 1, 3, 6, 12, 17, 40]  # how far into its programme each patient is today
    assigned = {}
    with time_machine.travel(at(START - timedelta(days=60)), tick=False):
        for days in days_in:
            who = PatientFactory(team=[psychologist])
            start = START - timedelta(days=days)
            assigned[days], _created = programme_assign(
                patient=who, programme=programme, start_date=start, assigned_by=psychologist
            )
    with time_machine.travel(at(START), tick=False):
        result = content_deliver_due(now=timezone.now())
    assert result.delivered == sum(1 for days in days_in for offset in plan if offset <= days)
    for days, assignment in assigned.items():
        assignment.refresh_from_db()
        later = [offset for offset in plan if offset > days]
        if later:
            assert (assignment.next_due_on, assignment.status) == (
                assignment.start_date + timedelta(days=later[0]),
                AssignmentStatus.ACTIVE,
            ), days
        else:
            assert (assignment.next_due_on, assignment.status) == (None, AssignmentStatus.FINISHED), days
    assert result.finished == sum(1 for days in days_in if days >= plan[-1])
