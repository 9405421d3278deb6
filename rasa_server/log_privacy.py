"""What the customer typed and whom it belongs to, out of the Rasa server's log lines.

- A conversation ID names a customer's chat (on SMS it holds their phone number), so our own code
  logs only `channels.conversations.log_id` of it. Rasa's own messages name the sender in clear
  (e.g. "Circuit breaker tripped … for sender 'twilio:+1555…'"); every log record of this process
  has each namespaced conversation ID rewritten to the same short hash, and card numbers, codes,
  dates of birth and signed links masked (privacy/redaction.py).
- Rasa 3.6 also logs through structlog, and when stderr is not a terminal it renders exceptions
  with every frame's local variables (structlog's `dict_tracebacks` shows locals by default): a
  failed response template then wrote the customer's message, card number or code into the log.
  Tracebacks are rendered here without locals, and the fields Rasa itself lists as message text
  are withheld whole.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from channels.conversations import log_id
from privacy.redaction import redact

CHANNELS = ("rest", "socketio", "in_app", "telegram", "slack", "twilio", "facebook")
_CONVERSATION = re.compile(rf"(?<![\w:#])(?:{'|'.join(CHANNELS)}):[^\s'\",;)\]}}]+")
WITHHELD = "[withheld]"

# Structlog fields that hold what a customer wrote or what the bot said to them (Rasa's own list
# of fields to anonymise, rasa/utils/log_utils.py, plus "response", the template's text).
MESSAGE_FIELDS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    }
)


def scrub(message: str) -> str:
    return _CONVERSATION.sub(lambda match: log_id(match.group()), message)


def private_line(message: str) -> str:
    return redact(scrub(message))


def _scrubbed_record_factory() -> Any:
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its message: leave it to logging
            return record
        private = private_line(message)
        if private != message:
            record.msg, record.args = private, ()
        return record

    return scrubbed_record


def withhold_message_fields(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: message fields go whole; other strings are scrubbed and redacted."""
    for key, value in list(event.items()):
        if key in MESSAGE_FIELDS:
            event[key] = WITHHELD
        elif isinstance(value, str):
            event[key] = private_line(value)
    return event


def _structlog_without_locals() -> None:
    """Rasa calls `configure_structlog` after this runs; it reads both names below at call time."""
    import structlog
    from rasa.utils import log_utils
    from structlog.tracebacks import ExceptionDictTransformer

    structlog.processors.dict_tracebacks = structlog.processors.ExceptionRenderer(
        ExceptionDictTransformer(show_locals=False)
    )
    log_utils._anonymizer = withhold_message_fields  # first in Rasa's processor chain


def install() -> None:
    logging.setLogRecordFactory(_scrubbed_record_factory())
    _structlog_without_locals()
