"""The one exception type for answers the service decided to give (4xx)."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal with an HTTP status, an error code, a plain sentence and named extra fields.

    Raised inside a request's transaction it is a decided answer, not a crash: what was recorded
    before it (a failed code attempt, an audit row) is kept. Business code checks before it
    changes anything, so a refusal never leaves work half done.
    """

    def __init__(self, status: int, error: str, message: str, /, **fields: Any) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.message = message
        self.fields = fields

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.fields}


def bad_request(message: str) -> ServiceError:
    return ServiceError(400, "bad_request", message)


def not_verified() -> ServiceError:
    return ServiceError(
        401, "not_verified", "This conversation has no verified session; check identity first."
    )


def no_such_card() -> ServiceError:
    return ServiceError(404, "no_such_card", "The customer has no card ending in those digits.")
