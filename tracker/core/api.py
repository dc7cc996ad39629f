"""API plumbing shared by every app."""

import logging
from contextlib import contextmanager

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class SavedButUnavailable(APIException):
    """503 for a database failure after the request's data was committed: it was saved, the reply was not made."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("What you sent was saved, but the service could not finish its reply. Please try again.")
    default_code = "saved_but_unavailable"


WRITE_UNAVAILABLE = _("The service is temporarily unavailable. Nothing was saved; please try again.")
READ_UNAVAILABLE = _("The service is temporarily unavailable; please try again in a moment.")

# For submissions with a client_id: their reply (the advice) comes back when the same one is sent again.
RESEND_WITH_CLIENT_ID = _(
    "What you sent was saved, but the service could not finish its reply. Send it again in a moment with "
    "the same client_id to get the reply: it is not stored twice."
)
# For submissions without one: sent again, they would be stored twice.
DO_NOT_RESEND = _(
    "What you sent was saved, but the service could not finish its reply. Please do not send it again: "
    "without a client_id it would be stored twice."
)


@contextmanager
def already_saved(what: str, detail):
    """Wrap what a view reads after its data is committed on purpose (the check-in's advice, which must
    never cost the patient the check-in). Views that can, read their reply in the write's transaction.

    A database failure in there must not get the handler's "Nothing was saved" (below): it becomes a
    SavedButUnavailable 503 whose `detail` says the data is stored and what to do. `what` names the step
    in the log line.
    """
    try:
        yield
    except DatabaseError as exc:
        logger.error("database error in %s after saving: %s", what, type(exc).__name__)
        raise SavedButUnavailable(detail) from exc


def exception_handler(exc, context):
    """DRF's handler, plus a clean 503 (never a 500 page) when the database is unreachable.

    A read (GET, HEAD, OPTIONS) is told to try again. A write is told "Nothing was saved", which is true
    because no API view reads after its data is committed: views that write and then read their reply
    do both in one transaction (`@transaction.atomic`), and the check-in POST, which commits first on
    purpose, wraps its later reads in `already_saved` (tests/core/test_api_database_errors.py checks
    every writing endpoint).
    """
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DatabaseError):
        view = context.get("view")
        logger.error("database error in %s: %s", view.__class__.__name__, type(exc).__name__)
        request = context.get("request")
        # A read sends nothing to save (a staff read may have stored its audit row: that is ours, not theirs).
        detail = READ_UNAVAILABLE if request is not None and request.method in SAFE_METHODS else WRITE_UNAVAILABLE
        return Response({"detail": detail}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    return response
