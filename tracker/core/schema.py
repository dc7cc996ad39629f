"""OpenAPI schema post-processing: document the error responses every operation can give.

drf-spectacular documents each operation's success response; the errors that DRF and
this project's plumbing return from any endpoint (docs/api.md "Conventions") are added here
once, so that the schema at /api/v1/schema/ matches what the endpoints really answer
(tests/proof/test_api_fuzz.py checks every response against it).
"""

ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "DRF's shape: each field name (or `non_field_errors`) maps to a list of messages, or to "
    "the errors of a nested object; `detail` when the body could not be parsed.",
    "additionalProperties": True,
}

# status -> (description, schema name, only for operations that take a body)
ERRORS = {
    "400": ("Invalid input.", "ValidationError", False),
    "401": ("Not authenticated, or the credentials are not valid.", "ErrorDetail", False),
    "403": ("Authenticated, but this role may not do this.", "ErrorDetail", False),
    "404": ("No such object within the caller's reach (or no such page of results).", "ErrorDetail", False),
    "413": ("The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.", "ErrorDetail", True),
    "415": ("The request body's media type is not supported.", "ErrorDetail", True),
    "429": ("Too many requests; try again later.", "ErrorDetail", False),
    "503": (
        "The database is unreachable; nothing was saved, unless `detail` says it was (it failed after saving: "
        "send it again with the same client_id to get the reply, stored once).",
        "ErrorDetail",
        False,
    ),
}
METHODS = ("get", "put", "post", "patch", "delete")
# DRF's TimeField reads and writes naive wall-clock times ("18:00" / "18:00:00", in the site's time zone),
# which OpenAPI's `format: time` (RFC 3339, with an offset) does not describe.
LOCAL_TIME = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "A wall-clock time in the site's time zone, HH:MM or HH:MM:SS.",
}


def _describe_local_times(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            for key, value in LOCAL_TIME.items():
                node.setdefault(key, value)
        for value in node.values():
            _describe_local_times(value)
    elif isinstance(node, list):
        for value in node:
            _describe_local_times(value)


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the common error responses to every operation; describe local times."""
    _describe_local_times(result.get("components", {}))
    _describe_local_times(result.get("paths", {}))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", ERROR_DETAIL)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, schema_name, body_only) in ERRORS.items():
                if body_only and "requestBody" not in operation:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
                    },
                )
    return result
