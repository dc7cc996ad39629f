"""Writes for psychological support, one module per family of actions: questionnaires (``screens``),
referrals and the contact that follows (``referrals``), programme assignment (``programmes``) and content
delivery (``delivery``). The names below are the app's service API; import them from here."""

from tracker.psych.services.delivery import (
    DeliveryResult,
    content_complete,
    content_deliver_due,
    content_notify_pending,
    content_open,
)
from tracker.psych.services.programmes import programme_assign, programme_changed, programme_stop
from tracker.psych.services.referrals import referral_create, referral_record_contact
from tracker.psych.services.screens import (
    BATCH_SIZE,
    RECORDED_AT_MAX_FUTURE,
    RECORDED_AT_MAX_PAST,
    ScreenAdvice,
    screen_advice,
    screen_findings,
    screen_input_errors,
    screen_reminders_send,
    screen_schedule_set,
    screen_submit,
    validate_recorded_at,
)

__all__ = [
    "BATCH_SIZE",
    "RECORDED_AT_MAX_FUTURE",
    "RECORDED_AT_MAX_PAST",
    "DeliveryResult",
    "ScreenAdvice",
    "content_complete",
    "content_deliver_due",
    "content_notify_pending",
    "content_open",
    "programme_assign",
    "programme_changed",
    "programme_stop",
    "referral_create",
    "referral_record_contact",
    "screen_advice",
    "screen_findings",
    "screen_input_errors",
    "screen_reminders_send",
    "screen_schedule_set",
    "screen_submit",
    "validate_recorded_at",
]
