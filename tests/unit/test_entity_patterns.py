"""The spaCy entity rules find amounts, dates, card last four, User IDs, codes and regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.build_spacy_pipeline import build_pipeline, load_patterns

PATTERNS = Path(__file__).resolve().parents[2] / "data" / "entity_patterns.jsonl"


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(load_patterns(PATTERNS))


def entities(nlp, text: str) -> list[tuple[str, str]]:
    return [(span.label_, span.text) for span in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "pay $200 next Friday from my card ending 2010",
            [("amount", "$200"), ("date", "next Friday"), ("card_last_four", "ending 2010")],
        ),
        ("Rs 5,000 please", [("amount", "Rs 5,000")]),
        ("₹1200 on the 15th", [("amount", "₹1200"), ("date", "the 15th")]),
        ("pay Rs.5000", [("amount", "Rs.5000")]),
        ("send 250 dollars", [("amount", "250 dollars")]),
        ("5000 rupees on 3rd December", [("amount", "5000 rupees"), ("date", "3rd December")]),
        ("USD20.50", [("amount", "USD20.50")]),
    ],
)
def test_amounts_and_dates_in_one_message(nlp, text, expected):
    assert entities(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("pay it tomorrow", "tomorrow"),
        ("on the 15th", "the 15th"),
        ("next Friday", "next Friday"),
        ("by end of the month", "end of the month"),
        ("on 2026-12-01", "2026-12-01"),
        ("on 12/15/2026", "12/15/2026"),
        ("born 30 Sept 1985", "30 Sept 1985"),
        ("December 3, 2026", "December 3, 2026"),
        ("this Monday", "this Monday"),
    ],
)
def test_dates(nlp, text, date):
    assert ("date", date) in entities(nlp, text)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("the card ending in 1005", "ending in 1005"),
        ("card 2002 please", "card 2002"),
        ("last four digits are 2010", "last four digits are 2010"),
        ("xxxx2010", "xxxx2010"),
    ],
)
def test_card_last_four(nlp, text, span):
    assert entities(nlp, text) == [("card_last_four", span)]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("alex.morgan", "alex.morgan"),
        ("my user id is alex.morgan", "user id is alex.morgan"),
        ("username priya_s90", "username priya_s90"),
    ],
)
def test_user_ids(nlp, text, span):
    assert entities(nlp, text) == [("user_id", span)]


@pytest.mark.parametrize(
    "text",
    ["my user id is locked", "go to americanexpress.com", "write to alex@example.com", "e-statement please"],
)
def test_no_user_id_in_ordinary_words_links_or_emails(nlp, text):
    assert [label for label, _ in entities(nlp, text)] == []


@pytest.mark.parametrize(("text", "span"), [("the code is 482913", "482913"), ("551 204", "551 204")])
def test_one_time_codes(nlp, text, span):
    assert entities(nlp, text) == [("code", span)]


def test_a_year_or_short_number_is_not_a_code(nlp):
    assert ("code", "2026") not in entities(nlp, "in 2026")
    assert entities(nlp, "12345") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I'm in India", "India"),
        ("we live in the United States", "United States"),
        ("from the U.S.", "U.S."),
        ("USA", "USA"),
    ],
)
def test_regions(nlp, text, span):
    assert entities(nlp, text) == [("region", span)]


def test_the_pronoun_us_is_not_a_region(nlp):
    assert entities(nlp, "let us know how to pay") == []
