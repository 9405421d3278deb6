"""Environment that switches the in-app channel on for the test assistant: HS256 tokens signed with
a test secret, from a test issuer for a test audience (tests/in_app/ makes them)."""

from __future__ import annotations

IN_APP_TEST_SECRET = "in-app-test-secret-for-the-session-stack-only"
IN_APP_TEST_ISSUER = "https://login.example-issuer.test"
IN_APP_TEST_AUDIENCE = "support-assistant"
IN_APP_TEST_MAX_LOGIN_AGE = "12h"


def in_app_env() -> dict[str, str]:
    return {
        "IN_APP_JWT_SECRET": IN_APP_TEST_SECRET,
        # Empty: an RS256 key in the developer's own environment must not make the setting ambiguous.
        "IN_APP_JWT_PUBLIC_KEY": "",
        "IN_APP_JWT_ISSUER": IN_APP_TEST_ISSUER,
        "IN_APP_JWT_AUDIENCE": IN_APP_TEST_AUDIENCE,
        "IN_APP_MAX_LOGIN_AGE": IN_APP_TEST_MAX_LOGIN_AGE,
    }
