"""OpenAPI additions drf-spectacular does not make on its own."""

ERROR_RESPONSES = {
    "400": "The request is invalid; the body says which fields and why.",
    "401": "No valid credentials (a token or a session).",
    "404": "No such object, or one the caller may not see: the two look the same.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


def document_error_responses(result, generator, request, public):
    """Every operation may answer these; DRF's error bodies are objects of messages."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorResponse"] = {
        "type": "object",
        "description": "Messages by field name, or `detail` for the whole request.",
        "additionalProperties": True,
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorResponse"}
                            }
                        },
                    },
                )
    return result
