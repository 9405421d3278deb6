"""The Rasa command line the launcher builds is parsed by Rasa's own parser as meant, whatever
characters the secrets hold (token_urlsafe secrets can begin with "-")."""

import pytest
from pydantic import SecretStr

from common.settings import RasaServerSettings
from rasa_server.__main__ import rasa_arguments


@pytest.mark.parametrize("jwt_secret", ["-Zk3" + "x" * 40, "--enable-api-" + "y" * 30, "plain" * 8])
def test_a_jwt_secret_is_one_argument_whatever_it_begins_with(jwt_secret):
    from rasa.__main__ import create_argument_parser

    settings = RasaServerSettings.load({"DEMO_MODE": "1"}, check_secrets=False)
    settings.jwt_secret = SecretStr(jwt_secret)
    parsed = create_argument_parser().parse_args(rasa_arguments(settings)[1:])
    assert parsed.jwt_secret == jwt_secret and parsed.enable_api and parsed.jwt_method == "HS256"
