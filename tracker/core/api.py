"""API plumbing shared by every app."""

import logging

from django.db import DatabaseError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    """DRF's handler, plus a clean 503 (never a 500 page) when the database is unreachable."""
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DatabaseError):
        logger.error("database error in %s: %s", context.get("view").__class__.__name__, type(exc).__name__)
        return Response(
            {"detail": "The service is temporarily unavailable. Nothing was saved; please try again."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    return response
