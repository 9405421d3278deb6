"""Conversation IDs out of the Rasa server's log lines.

A conversation ID names a customer's chat (on SMS it holds their phone number), so our own code
logs only `channels.conversations.log_id` of it. Rasa's own messages name the sender in clear
(e.g. "Circuit breaker tripped … for sender 'twilio:+1555…'"); this record factory rewrites any
namespaced conversation ID in any record of this process to the same short hash.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from channels.conversations import log_id

CHANNELS = ("rest", "socketio", "in_app", "telegram", "slack", "twilio", "facebook")
_CONVERSATION = re.compile(rf"(?<![\w:#])(?:{'|'.join(CHANNELS)}):[^\s'\",;)\]}}]+")


def scrub(message: str) -> str:
    return _CONVERSATION.sub(lambda match: log_id(match.group()), message)


def install() -> None:
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its message: leave it to logging
            return record
        if _CONVERSATION.search(message):
            record.msg, record.args = scrub(message), ()
        return record

    logging.setLogRecordFactory(scrubbed_record)
