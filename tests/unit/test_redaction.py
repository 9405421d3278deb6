"""Card numbers and codes are found and masked wherever text is stored."""

from __future__ import annotations

from datetime import date

import pytest

from channels.message_hygiene import CARD_NUMBER_WARNING, screen_message
from privacy.redaction import (
    CODE_MASK,
    DATE_MASK,
    LINK_MASK,
    contains_card_number,
    luhn_valid,
    mask_card_numbers,
    redact,
)
from storage.redacting_tracker_store import REDACTED, redact_events

# Well-known test numbers of the card networks (Luhn-valid, never issued).
CARD_NUMBERS = [
    "378282246310005",
    "3782 822463 10005",
    "4111-1111-1111-1111",
    "5555 5555 5555 4444",
    "4222222222222",
    "6011 0009 9013 9424",
]


@pytest.mark.parametrize("number", CARD_NUMBERS)
def test_a_card_number_keeps_only_its_last_four(number):
    digits = "".join(ch for ch in number if ch.isdigit())
    masked = mask_card_numbers(f"my card is {number}, help")
    assert masked == f"my card is card ending {digits[-4:]}, help"
    assert digits[:-4] not in masked.replace(" ", "")


def test_the_word_card_is_not_doubled():
    assert mask_card_numbers("my card 4111 1111 1111 1111 was declined") == "my card ending 1111 was declined"


def test_runs_that_fail_luhn_or_are_too_short_or_long_are_left_alone():
    assert not luhn_valid("4111111111111112")
    for text in ["4111111111111112", "123456789012", "12345678901234567890", "call 1800-419-2122 now"]:
        assert not contains_card_number(text)


def test_six_digit_codes_are_masked_but_amounts_and_dates_are_not():
    assert redact("my code is 123456") == f"my code is {CODE_MASK}"
    assert redact("123 456") == CODE_MASK
    for kept in ["pay $200000", "on 2026-11-26", "card ending 2010", "1234567"]:
        assert redact(kept) == kept


def test_telegram_link_codes_are_masked_where_the_assistant_shows_them():
    said = "send /link K7QM4XPA to @card_bot within 10 minutes. Or open https://t.me/card_bot?start=link-K7QM4XPA"
    assert "K7QM4XPA" not in redact(said)
    assert "/link ••••••" in redact(said) and "start=link-••••••" in redact(said)
    assert redact("please link my cards") == "please link my cards"


def test_the_channel_warns_and_masks_before_anything_else_sees_the_number():
    text, warnings = screen_message("I lost 3782 822463 10005 yesterday")
    assert text == "I lost card ending 0005 yesterday"
    assert warnings == [CARD_NUMBER_WARNING]
    assert screen_message("what's my balance") == ("what's my balance", [])


def test_stored_events_lose_codes_dates_of_birth_and_card_numbers():
    events = [
        {"event": "slot", "name": "requested_slot", "value": "identity_code"},
        {"event": "user", "text": "it's 482913", "parse_data": {"text": "it's 482913", "entities": []}},
        {"event": "slot", "name": "identity_code", "value": "482913"},
        {"event": "slot", "name": "requested_slot", "value": "date_of_birth"},
        {"event": "user", "text": "30 Sep 1985", "parse_data": {"text": "30 Sep 1985", "entities": []}},
        {"event": "slot", "name": "date_of_birth", "value": "1985-09-30"},
        {"event": "slot", "name": "requested_slot", "value": None},
        {
            "event": "user",
            "text": "card 4111 1111 1111 1111",
            "parse_data": {
                "text": "card 4111 1111 1111 1111",
                "entities": [{"entity": "x", "value": "4111 1111 1111 1111"}],
            },
        },
    ]
    stored = str(redact_events(events))
    for secret in ("482913", "1985", "4111 1111 1111", "411111111111"):
        assert secret not in stored
    assert REDACTED in stored and "card ending 1111" in stored
    # the input is not changed: the live turn still has what it needs
    assert events[1]["text"] == "it's 482913"


@pytest.mark.parametrize(
    "written",
    [
        "123456",
        "123 456",
        "123-456",
        "12 34 56",
        "1 2 3 4 5 6",
        "12.34.56",
        "१२३४५६",
        "one two three four five six",
        "Four, eight, two, nine, one, three",
    ],
)
def test_a_code_is_masked_however_it_is_written(written):
    assert redact(f"the code is {written} thanks") == f"the code is {CODE_MASK} thanks"
    assert redact(f"code:{written}") == f"code:{CODE_MASK}"


@pytest.mark.parametrize(
    "kept",
    [
        "+1 555 010 2002",
        "1800-419-2122",
        "₹1,00,000",
        "at 10:42",
        "1.5 lakh",
        "balance 1234.56",
        "due 2026-12-05",
        "12/05",
        "card ending 2010",
        "I have one or two questions",
    ],
)
def test_phone_numbers_amounts_times_and_card_endings_are_not_codes(kept):
    assert redact(kept, date(2026, 11, 28)) == kept


@pytest.mark.parametrize(
    "birthday",
    [
        "30 Sep 1985",
        "30th of September, 1985",
        "September 30 1985",
        "Sep 30th, 1985",
        "1985-09-30",
        "30/09/1985",
        "09/30/1985",
        "30.09.1985",
        "३०/०९/१९८५",
        "30 सितंबर 1985",
        "३० सितम्बर १९८५",
        "5 फ़रवरी 1990",
    ],
)
def test_a_date_of_birth_is_masked_wherever_it_is_typed(birthday):
    assert redact(f"fyi I was born {birthday}, ok", date(2026, 11, 28)) == f"fyi I was born {DATE_MASK}, ok"


def test_recent_dates_are_kept_because_payments_and_statements_need_them():
    for kept in ["pay on Dec 5 2026", "statement of 2026-10-31", "05/11/2025"]:
        assert redact(kept, date(2026, 11, 28)) == kept


def test_signed_links_are_removed_and_ordinary_links_kept():
    statement = "Here it is: http://localhost:8081/statements/download/eyJzIjoxfQ.aGVsbG8.c2ln (10 minutes)"
    assert redact(statement) == f"Here it is: {LINK_MASK} (10 minutes)"
    reset = "https://bank.example/password-reset/abc"
    assert redact(reset) == LINK_MASK
    token_shaped = "https://cdn.example/files/Zm9vYmFyYmF6cXV4cXV1eHF1dXg1234"
    assert redact(token_shaped) == LINK_MASK
    for kept in [
        "https://www.americanexpress.com/en-us/",
        "see https://www.americanexpress.com/en-in/account/login",
    ]:
        assert redact(kept) == kept


def test_a_date_of_birth_typed_outside_its_question_is_not_stored():
    said = "hi, I'm alex born 30/09/1985"
    events = [{"event": "user", "text": said, "parse_data": {"text": said, "entities": []}}]
    assert "1985" not in str(redact_events(events))


def test_a_signed_link_in_a_bot_events_metadata_is_not_stored():
    link = "http://localhost:8081/statements/download/eyJzIjoxfQ.aGVsbG8.c2ln"
    events = [
        {"event": "bot", "text": f"Here: {link}", "metadata": {"url": link}, "data": {"buttons": []}},
        {
            "event": "user",
            "text": "hi",
            "metadata": {"note": link},
            "parse_data": {"text": "hi", "entities": []},
        },
    ]
    stored = str(redact_events(events))
    assert "eyJzIjoxfQ" not in stored and stored.count(LINK_MASK) == 3


def test_a_code_right_after_a_word_and_a_comma_or_dot_is_masked_too():
    assert redact("ok,482913") == f"ok,{CODE_MASK}" and redact("code.482913") == f"code.{CODE_MASK}"
    assert redact("1,234,567 and 12.50") == "1,234,567 and 12.50"


def test_rasas_own_log_lines_name_conversations_only_by_a_hash():
    from rasa_server.log_privacy import scrub

    line = scrub("Stopped predicting for sender 'twilio:+15550102002'; GET /conversations/rest:abc/tracker")
    assert "+15550102002" not in line and "rest:abc" not in line
    assert "twilio:#" in line and "rest:#" in line
    assert (
        scrub("no conversation here: 10:42, https://x.example/a")
        == "no conversation here: 10:42, https://x.example/a"
    )
