"""The OpenAPI 3.0 document, generated from the endpoints' declarations (endpoints.py).

Models become `components/schemas` (pydantic's own JSON schema); path and query models become
parameters; each route's error answers are listed with their codes and extra fields, next to the
answers every route may give (400 bad input, 401 no or unknown token, 403 token outside the
route's scopes, 413 body over 64 KB). `x-scopes` names the callers a route accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, create_model
from pydantic.schema import schema as models_schema

from account_service.endpoints import Endpoint, Fail, fail

Schema = dict[str, Any]
REF_PREFIX = "#/components/schemas/"

BAD_INPUT = fail(400, "Malformed JSON, or a field missing or not as described", "bad_request")
NO_TOKEN = fail(401, "No bearer token, or not one of the callers' tokens", "unauthorized")
WRONG_SCOPE = fail(403, "The caller's token is not for this route", "forbidden")
TOO_LARGE = fail(413, "The body is over 64 KB (refused before it is read)", "too_large")


def openapi_document(endpoints: Sequence[Endpoint]) -> Schema:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Account service",
            "version": "2.0.0",
            "description": "System of record and security boundary of the support assistant. "
            "See docs/account-service.md. Money is a string with two decimals plus a currency. "
            "Each caller has its own bearer token with a scope (actions, channels, agents, "
            "operators); x-scopes on an operation names the scopes it accepts.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _components(endpoints),
        },
        "security": [{"bearer": []}],
        "paths": _paths(endpoints),
    }


def _components(endpoints: Iterable[Endpoint]) -> Schema:
    models = {model for endpoint in endpoints for model in (endpoint.body, endpoint.answer) if model}
    if not models:
        return {}
    definitions: Schema = models_schema(list(models), ref_prefix=REF_PREFIX)["definitions"]
    return dict(sorted(definitions.items()))


def _ref(model: type[BaseModel]) -> Schema:
    return {"$ref": f"{REF_PREFIX}{model.__name__}"}


def _parameters(model: type[BaseModel] | None, where: str) -> list[Schema]:
    if model is None:
        return []
    described = model.schema()
    required = set(described.get("required", []))
    parameters = []
    for name, prop in described.get("properties", {}).items():
        prop = {key: value for key, value in prop.items() if key not in ("title", "description")}
        parameter: Schema = {"name": name, "in": where, "required": where == "path" or name in required}
        if description := described["properties"][name].get("description"):
            parameter["description"] = description
        parameter["schema"] = prop
        parameters.append(parameter)
    return parameters


def _error_schema(codes: Iterable[str], fields: dict[str, Any]) -> Schema:
    properties: Schema = {
        "error": {"type": "string", "enum": sorted(set(codes))},
        "message": {"type": "string"},
    }
    if fields:
        definitions: dict[str, Any] = {name: (kind, ...) for name, kind in fields.items()}
        extra = create_model("ErrorFields", **definitions).schema()
        for name, prop in extra["properties"].items():
            prop.pop("title", None)
            properties[name] = prop
    return {"type": "object", "properties": properties, "required": ["error", "message"]}


def _errors(endpoint: Endpoint) -> list[Fail]:
    every: list[Fail] = []
    if endpoint.path_model or endpoint.query or endpoint.body:
        every.append(BAD_INPUT)
    if not endpoint.public:
        every += [NO_TOKEN, WRONG_SCOPE]
    if endpoint.body:
        every.append(TOO_LARGE)
    return every + list(endpoint.errors)


def _operation(endpoint: Endpoint) -> Schema:
    operation: Schema = {
        "summary": endpoint.summary,
        "operationId": endpoint.handler.__name__,
        "tags": [endpoint.tag],
    }
    if endpoint.public:
        operation["security"] = []
    else:
        operation["x-scopes"] = sorted(endpoint.scopes)
    parameters = _parameters(endpoint.path_model, "path") + _parameters(endpoint.query, "query")
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(endpoint.body)}},
        }

    responses: Schema = {}
    for status, description in ((endpoint.status, "Done"), *endpoint.other_statuses):
        entry: Schema = {"description": description}
        if endpoint.answer is not None:
            entry["content"] = {endpoint.content_type: {"schema": _ref(endpoint.answer)}}
        elif endpoint.content_type != "application/json":
            entry["content"] = {endpoint.content_type: {"schema": {"type": "string", "format": "binary"}}}
        responses[str(status)] = entry
    grouped: dict[int, list[Fail]] = {}
    for failure in _errors(endpoint):
        grouped.setdefault(failure.status, []).append(failure)
    for status, failures in sorted(grouped.items()):
        codes = [code for failure in failures for code in failure.codes]
        fields = {name: kind for failure in failures for name, kind in failure.fields.items()}
        responses[str(status)] = {
            "description": "; ".join(dict.fromkeys(failure.description for failure in failures)),
            "content": {"application/json": {"schema": _error_schema(codes, fields)}},
        }
    operation["responses"] = responses
    return operation


def _paths(endpoints: Iterable[Endpoint]) -> Schema:
    paths: Schema = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return paths
