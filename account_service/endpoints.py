"""Each route declared once: method, path, who may call it, its input and answer models, its errors.

    routes = Routes("cards")

    @routes.post(
        "/me/cards/{last4}/freeze",
        "Freeze an active card",
        scopes=ACTIONS,
        path=CardPath,
        body=ConversationBody,
        answer=CardOut,
        errors=[NOT_VERIFIED, NO_CARD, WRONG_STATUS],
    )
    async def freeze(request: web.Request, path: CardPath, body: ConversationBody) -> CardOut:
        ...

From that one declaration the request is read (path, query and JSON body are validated into
their models; the handler receives the ones it declared as keyword arguments `path`, `query` and
`body`), the answer is written (a model instance, or `Reply(model, status)` when the status
varies), the caller's scope is checked (middleware.py) and the OpenAPI document is generated
(openapi.py). A value that does not fit its model is `400 bad_request` with a sentence that
names the field and what it expects, never the value itself.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from aiohttp import web
from pydantic import BaseModel, ConstrainedInt, ConstrainedStr, StrictBool, ValidationError
from pydantic.fields import ModelField

from account_service.errors import bad_request

# Who may call a route (the caller's scope comes from its bearer token, middleware.py).
ACTIONS = frozenset({"actions"})
CHANNELS = frozenset({"channels"})
AGENTS = frozenset({"agents", "operators"})
PUBLIC: frozenset[str] = frozenset()

Handler = Callable[..., Awaitable[Any]]


class Shape(BaseModel):
    """Base of every request and answer model."""

    class Config:
        # Fields whose JSON name is a Python keyword ("from") are filled by name in code.
        allow_population_by_field_name = True

        @staticmethod
        def schema_extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
            _mark_nullable(schema, model)


class Answer(Shape):
    """An answer: every field is always present (null where the model allows it)."""

    class Config(Shape.Config):
        @staticmethod
        def schema_extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
            _mark_nullable(schema, model)
            if "properties" in schema:
                schema["required"] = list(schema["properties"])


def _mark_nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """OpenAPI 3.0 says null is allowed with `nullable` (pydantic v1 leaves it out); a model
    without its own docstring gets no description (pydantic would take its base class's)."""
    if model.__doc__ is None:
        schema.pop("description", None)
    for model_field in model.__fields__.values():
        prop = schema.get("properties", {}).get(model_field.alias)
        if prop is None:
            continue
        if model_field.allow_none:
            prop["nullable"] = True
        prop.pop("title", None)
        prop.pop("hint", None)  # for refusals (bad_input), not part of OpenAPI


@dataclass(frozen=True)
class Fail:
    """An error answer a route may give: status, when, the error codes and their extra fields."""

    status: int
    description: str
    codes: tuple[str, ...]
    fields: dict[str, Any] = field(default_factory=dict)


def fail(status: int, description: str, /, *codes: str, **fields: Any) -> Fail:
    return Fail(status, description, codes, fields)


@dataclass(frozen=True)
class Reply:
    """An answer whose status is decided by the handler (201 created or 200 the earlier one)."""

    answer: BaseModel
    status: int


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    tag: str
    scopes: frozenset[str]
    handler: Handler
    path_model: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    status: int = 200
    other_statuses: tuple[tuple[int, str], ...] = ()
    errors: tuple[Fail, ...] = ()
    content_type: str = "application/json"

    @property
    def public(self) -> bool:
        return not self.scopes

    async def serve(self, request: web.Request) -> web.StreamResponse:
        inputs: dict[str, BaseModel] = {}
        if self.path_model is not None:
            inputs["path"] = read_model(self.path_model, dict(request.match_info))
        if self.query is not None:
            inputs["query"] = read_model(self.query, dict(request.query))
        if self.body is not None:
            inputs["body"] = read_model(self.body, await read_json(request))
        result = await self.handler(request, **inputs)
        if isinstance(result, web.StreamResponse):
            return result
        if isinstance(result, Reply):
            return answer_response(result.answer, result.status)
        return answer_response(result, self.status)


def answer_response(answer: BaseModel, status: int) -> web.Response:
    return web.json_response(text=answer.json(by_alias=True), status=status)


class Routes:
    """The endpoints of one area of the API (one tag in the OpenAPI document)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def get(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, summary, **options)

    def post(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, summary, **options)

    def put(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, summary, **options)

    def patch(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, summary, **options)

    def delete(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, summary, **options)

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        scopes: frozenset[str],
        path_model: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        answer: type[BaseModel] | None = None,
        status: int = 200,
        other_statuses: Sequence[tuple[int, str]] = (),
        errors: Iterable[Fail] = (),
        content_type: str = "application/json",
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(
                    method=method,
                    path=path,
                    summary=summary,
                    tag=self.tag,
                    scopes=scopes,
                    handler=handler,
                    path_model=path_model,
                    query=query,
                    body=body,
                    answer=answer,
                    status=status,
                    other_statuses=tuple(other_statuses),
                    errors=tuple(errors),
                    content_type=content_type,
                )
            )
            return handler

        return register


def add_endpoints(app: web.Application, endpoints: Iterable[Endpoint]) -> list[Endpoint]:
    added = []
    for endpoint in endpoints:

        async def handle(request: web.Request, endpoint: Endpoint = endpoint) -> web.StreamResponse:
            return await endpoint.serve(request)

        handle.endpoint = endpoint  # type: ignore[attr-defined]
        app.router.add_route(endpoint.method, endpoint.path, handle)
        added.append(endpoint)
    return added


def endpoint_of(request: web.Request) -> Endpoint | None:
    """The endpoint a matched request goes to (None for an unknown route)."""
    found = getattr(request.match_info.handler, "endpoint", None)
    return found if isinstance(found, Endpoint) else None


# --- reading input ------------------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_json(request: web.Request) -> dict[str, Any]:
    """The JSON object in the body. The app's client_max_size caps how much is ever read."""
    raw = await request.read()
    if not raw:
        raise bad_request("A JSON object is needed in the body.")
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise bad_request("The body must be a JSON object.")
    return data


def read_model(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    try:
        return model.parse_obj(data)
    except ValidationError as error:
        raise bad_request(bad_input(model, error)) from None


def bad_input(model: type[BaseModel], error: ValidationError) -> str:
    """One sentence about the first field that does not fit: its name and what it expects."""
    first = error.errors()[0]
    name = str(first["loc"][0])
    model_field = model.__fields__.get(name) or next(
        (f for f in model.__fields__.values() if f.alias == name), None
    )
    if model_field is None:
        return "The request does not have the expected fields."
    if first["type"] in ("value_error.missing", "type_error.none.not_allowed") and len(first["loc"]) == 1:
        return f"{model_field.alias} is needed."
    return f"{model_field.alias} must be {hint(model_field)}."


def hint(model_field: ModelField) -> str:
    """What a field expects, in words: declared with Field(hint=...) or worked out from its type."""
    declared = model_field.field_info.extra.get("hint")
    if declared:
        return str(declared)
    kind = model_field.outer_type_
    if get_origin(kind) is Literal:
        return "one of: " + ", ".join(str(value) for value in get_args(kind))
    if isinstance(kind, type):
        if hasattr(kind, "hint"):
            return str(kind.hint)
        if issubclass(kind, ConstrainedStr):
            return f"text of {kind.min_length or 0}-{kind.max_length} characters"
        if issubclass(kind, ConstrainedInt):
            return f"a whole number from {kind.ge} to {kind.le}"
        if kind is StrictBool or issubclass(kind, bool):
            return "true or false"
    return "a valid value"
