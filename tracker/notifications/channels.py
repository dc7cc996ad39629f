"""Delivery channels. Add one (SMS, webhook) by writing a class with `name` and
`send(notification)` and listing it in settings.TRACKER_NOTIFICATION_CHANNELS."""

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class ChannelUnavailable(Exception):
    """The recipient cannot be reached on this channel (e.g. no e-mail address)."""


class Channel(Protocol):
    name: str

    def send(self, notification) -> None: ...


class InAppChannel:
    """Stored in the database and shown in the recipient's Messages page: nothing to send."""

    name = "in_app"

    def send(self, notification) -> None:
        return None


class EmailChannel:
    """E-mail with no health details: a neutral subject and a link to sign in."""

    name = "email"

    def send(self, notification) -> None:
        address = notification.recipient.email
        if not address:
            raise ChannelUnavailable("no e-mail address")
        link = f"{settings.SITE_URL}{notification.link or '/'}"
        body = _(
            "Hello,\n\nThere is something new for you in %(site)s.\n"
            "Please sign in to read it:\n%(link)s\n\n"
            "This e-mail does not contain any health information.\n"
        ) % {"site": settings.TRACKER_SITE_NAME, "link": link}
        send_mail(notification.subject, body, None, [address], fail_silently=False)


def get_channels() -> dict[str, Channel]:
    paths = getattr(
        settings,
        "TRACKER_NOTIFICATION_CHANNELS",
        ["tracker.notifications.channels.InAppChannel", "tracker.notifications.channels.EmailChannel"],
    )
    channels = [import_string(path)() for path in paths]
    return {channel.name: channel for channel in channels}
