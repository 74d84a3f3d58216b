"""OpenAPI document post-processing (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``).

The API documents JSON request bodies. Endpoints also parse form encodings (DRF's
defaults, used by a few pages), but an operation documented with three request content
types makes generated clients pick the last one (multipart) for every body — nested lists
are then lost — and openapi-python-client 0.29 even generates code that does not import.
So, when an operation accepts JSON, only JSON is documented; file uploads (no JSON) keep
their multipart body.
"""

from __future__ import annotations

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def json_request_bodies(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for media_type in FORM_TYPES:
                    content.pop(media_type, None)
    return result


# --- Error answers, documented once for every operation ---------------------------------------
# Every operation may answer the API's JSON errors (``api.errors``): the statuses any view
# can give (bad input, authentication, permission, unknown id, method, conflict, body too
# large, media type, throttling) are documented here for every operation with the
# ``ApiErrors`` component, where a view does not document them itself. Bodies of POST and PUT are required.

ERROR_COMPONENT = "ApiErrors"
ERROR_SCHEMA: dict = {
    "type": "object",
    "description": "Erreurs : une entrée par problème (code stable, message en français, "
    "champ concerné ou null).",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                },
                "required": ["code", "message"],
            },
        },
        "details": {"type": "object"},
    },
    "required": ["errors"],
}
ERROR_STATUSES = {
    "400": "Données invalides (une erreur par champ).",
    "401": "Authentification requise.",
    "403": "Action non autorisée pour cette personne.",
    "404": "Introuvable, ou hors du périmètre de la personne.",
    "405": "Méthode non autorisée.",
    "406": "Format de réponse non disponible.",
    "409": "Conflit avec l'état de la ressource.",
    "413": "Corps de la requête trop volumineux.",
    "415": "Type de contenu non pris en charge.",
    "429": "Trop de requêtes : réessayez plus tard.",
}
METHODS = ("get", "post", "put", "patch", "delete")


def document_errors(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                # An answer a view documents itself (its own error component) is kept.
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            body = operation.get("requestBody")
            if body is not None and method in ("post", "put"):
                body["required"] = True
    return result
