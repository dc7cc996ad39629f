"""Request-body parsers for the API that refuse hostile bodies cleanly.

DRF's stock parsers read the raw request stream, so Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (which only guards `request.body` and `request.POST`)
never applies to them, and a deeply nested JSON document ends in a RecursionError
(a 500). These read at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond it) and
refuse JSON nested deeper than MAX_JSON_DEPTH (400), before any view sees the data.
"""

import codecs

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json

# No request the API accepts nests deeper than a handful of levels.
MAX_JSON_DEPTH = 32


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def read_bounded(stream) -> bytes:
    """The whole body, or RequestTooLarge if it is longer than DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if stream is None:
        return b""
    if limit is None:
        return stream.read()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise RequestTooLarge()
    return raw


def json_depth_exceeds(value, limit: int) -> bool:
    """True when `value` has containers nested more than `limit` deep (iterative, stops early)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = read_bounded(stream)
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        except ValueError as exc:  # includes UnicodeDecodeError
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            message = _("JSON parse error - nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}
            raise ParseError(message)
        return data


class BoundedFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            return QueryDict(read_bounded(stream), encoding=encoding)
        except TooManyFieldsSent:
            raise ParseError(_("Too many form fields.")) from None


class BoundedMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            raise RequestTooLarge() from None
        except (TooManyFieldsSent, TooManyFilesSent):
            raise ParseError(_("Too many form fields or files.")) from None
