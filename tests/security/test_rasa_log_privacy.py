"""Rasa's own structlog lines, as the Rasa server process writes them to a file or pipe (the JSON
renderer, as in a deployment), carry no card number, code or conversation ID."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A failing response template, the way Rasa's interpolator meets one, while the customer's message
# (a card number and a code) and their conversation ID are local variables of the calling frame.
PROGRAM = textwrap.dedent(
    """
    import logging
    from rasa_server import log_privacy
    log_privacy.install()
    from rasa.utils.log_utils import configure_structlog
    configure_structlog(logging.INFO)
    from rasa.core.nlg.interpolator import interpolate_text

    def answer(customer_message, sender_id):
        return interpolate_text("Your card ending {card} is frozen", {"text": customer_message})

    answer("my card is 3782 822463 10005 and the code 482913", "twilio:+15550102002")
    logging.getLogger("rasa.core.processor").warning(
        "sender twilio:+15550102002 wrote 'code 482913, card 3782 822463 10005'"
    )
    """
)


def test_a_failed_template_logs_no_message_text_nor_local_variables():
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    written = run.stdout + run.stderr
    assert "interpolator.interpolate.text" in written  # the failure itself is still reported
    for secret in ("822463", "482913", "+15550102002"):
        assert secret not in written, written[-3000:]
