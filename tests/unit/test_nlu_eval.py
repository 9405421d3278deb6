"""The held-out measurement: cause tags on wrong predictions, and the per-language verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.nlu_eval.causes import Vocabulary, sentence_count, tag, tag_errors, tokens
from scripts.nlu_eval.heldout import discover_sets, language_of, load_examples, plain_text
from scripts.nlu_eval.predict import topic_of
from scripts.nlu_eval.report import Run, error_analysis, predictions_json, read_predictions, summary
from scripts.nlu_eval.scoring import Prediction, Targets, by_language, by_set, shortfalls, top_confusions

VOCABULARY = Vocabulary(
    [
        "how do I activate my new card",
        "I forgot my password and the one time code never came",
        "what is my balance",
        "freeze my card please",
    ]
)


def wrong(text: str, expected: str = "check_balance", predicted: str = "pay_bill", language: str = "en"):
    return Prediction("set", language, expected, predicted, 0.5, text)


def causes(text: str, expected: str = "check_balance", predicted: str = "pay_bill") -> list[str]:
    return tag(wrong(text, expected, predicted), VOCABULARY)[0]


@pytest.mark.parametrize(
    "text",
    ["my card doesn't work", "I did NOT make this purchase", "card nahi chal raha", "कार्ड काम नहीं कर रहा"],
)
def test_negation_in_english_hinglish_and_hindi(text):
    assert "negation" in causes(text)


def test_no_negation_tag_without_a_negation_word():
    assert "negation" not in causes("what is my balance")


def test_account_wording_counts_only_when_a_card_topic_is_involved():
    assert "account_vs_card" in causes("please freeze my account", "freeze_card", "account_locked")
    assert "account_vs_card" in causes("activate my account", "register_online", "activate_card")
    assert "account_vs_card" not in causes("my account is locked", "account_locked", "login_help")


@pytest.mark.parametrize("text", ["why was I charged this fee", "what is the interest rate", "ब्याज कितना है"])
def test_fees_and_charges(text):
    assert "fees_charges" in causes(text)


def test_passcode_vs_code_needs_a_credential_topic():
    assert "passcode_vs_code" in causes("my app passcode is not working", "mobile_app", "mfa_help")
    assert "passcode_vs_code" in causes("the one-time code did not arrive", "mfa_help", "reset_password")
    assert "passcode_vs_code" not in causes("what is the promo code", "rewards", "card_benefits")


def test_long_several_sentences_or_two_requests():
    long_message = " ".join(["word"] * 21)
    assert "long_or_multi" in causes(long_message)
    assert "long_or_multi" in causes("I got the card. How do I turn it on?")
    assert "long_or_multi" in causes("show my balance and also pay the bill")
    assert "long_or_multi" in causes("कार्ड मिल गया। इसे कैसे चालू करूँ?")
    assert "long_or_multi" not in causes("how do I activate my new card?")


def test_a_misspelling_names_the_word_it_probably_meant_and_new_words_are_listed_apart():
    found, details = tag(wrong("how do I actvate my card for the cinema"), VOCABULARY)
    assert "misspelling" in found and details["misspelling"] == "actvate→activate"
    assert "unseen_word" in found and "cinema" in details["unseen_word"]


def test_numbers_are_not_unseen_words():
    assert VOCABULARY.unseen(tokens("freeze card 2010 now")) == ["now"]


def test_out_of_scope_accepted_and_in_scope_rejected():
    assert "out_of_scope_accepted" in causes("what is my balance", "out_of_scope", "check_balance")
    assert "rejected_by_fallback" in causes("what is my balance", "check_balance", "nlu_fallback")
    assert "taken_as_out_of_scope" in causes("what is my balance", "check_balance", "out_of_scope")


def test_other_when_no_rule_fires():
    assert causes("what is my balance") == ["other"]


def test_only_wrong_predictions_are_tagged():
    right = Prediction("en", "en", "check_balance", "check_balance", 0.9, "what is my balance")
    oos_rejected = Prediction("en", "en", "out_of_scope", "nlu_fallback", 0.3, "tell me a joke")
    error = wrong("what is my balance")
    tag_errors([right, oos_rejected, error], VOCABULARY)
    assert right.causes == [] and oos_rejected.causes == [] and error.causes == ["other"]


def test_devanagari_words_keep_their_vowel_signs():
    assert tokens("कार्ड नहीं मिला") == ["कार्ड", "नहीं", "मिला"]
    assert tokens("I don’t know") == ["i", "dont", "know"]
    assert sentence_count("one thing. another thing? yes") == 2  # "yes" alone is no sentence


def test_sets_of_one_language_count_together():
    assert [language_of(n) for n in ("en", "en_everyday", "hi", "hinglish")] == ["en", "en", "hi", "hinglish"]


def predictions() -> list[Prediction]:
    rows = [
        ("en", "check_balance", "check_balance"),
        ("en", "check_balance", "check_balance"),
        ("en_everyday", "check_balance", "nlu_fallback"),
        ("en_everyday", "pay_bill", "pay_bill"),
        ("en", "out_of_scope", "nlu_fallback"),
        ("en_everyday", "out_of_scope", "out_of_scope"),
        ("hi", "pay_bill", "pay_bill"),
        ("hi", "pay_bill", "check_balance"),
        ("hinglish", "freeze_card", "freeze_card"),
    ]
    return [Prediction(s, language_of(s), e, p, 0.8, f"message {i}") for i, (s, e, p) in enumerate(rows)]


def test_scores_per_language_join_the_english_sets():
    per_language = by_language(predictions())
    assert sorted(per_language) == ["en", "hi", "hinglish"]
    english = per_language["en"]
    assert (english.in_scope.right, english.in_scope.total) == (3, 4)
    assert (english.rejection.right, english.rejection.total) == (2, 2)
    assert (english.per_topic["check_balance"].right, english.per_topic["check_balance"].total) == (2, 3)
    assert by_set(predictions())["en_everyday"].in_scope.value == 0.5


def test_shortfalls_name_each_missed_target_and_skip_a_missing_rejection_set():
    per_language = by_language(predictions())
    assert shortfalls(per_language, Targets(0.5, 0.9)) == []
    missed = shortfalls(per_language, Targets(0.9, 0.9))
    assert missed == ["en: in scope 75.0% < 90%", "hi: in scope 50.0% < 90%"]
    assert per_language["hinglish"].rejection.value is None  # no out-of-scope examples: no verdict


def test_top_confusions_count_wrong_pairs_only():
    assert top_confusions(predictions()) == [
        ("check_balance", "nlu_fallback", 1),
        ("pay_bill", "check_balance", 1),
    ]


def test_reports_render_every_language_and_cause():
    items = predictions()
    tag_errors(items, VOCABULARY)
    run = Run(model="m.tar.gz", when="now", seconds=1.0, targets=Targets(), notes=("set `x` skipped",))
    text = summary(items, run, {"en": "confusion_en.png"})
    assert "Hindi (Devanagari)" in text and "below target" in text and "set `x` skipped" in text
    analysis = error_analysis(items, run)
    assert "`rejected_by_fallback`" in analysis and "2 wrong of 9" in analysis


def test_a_retrieval_intent_names_the_selected_topic():
    parsed = {
        "intent": {"name": "faq"},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": "faq/reset_password"}},
        },
    }
    assert topic_of(parsed) == "reset_password"
    assert topic_of({"intent": {"name": "greet"}}) == "greet"


def test_held_out_files_load_plain_text_and_missing_sets_are_noted(tmp_path: Path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "cards.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: freeze_card\n  examples: |\n'
        "    - freeze card [2010](card_last_four)\n"
        "- synonym: amex\n  examples: |\n    - american express\n",
        encoding="utf-8",
    )
    (tmp_path / "hi").mkdir()
    sets, notes = discover_sets(tmp_path)
    assert list(sets) == ["en"]
    assert [(e.topic, e.text, e.language) for e in sets["en"]] == [("freeze_card", "freeze card 2010", "en")]
    assert any("`hi` skipped" in n and "empty" in n for n in notes)
    assert any("`hinglish` skipped" in n and "missing" in n for n in notes)
    assert load_examples(tmp_path / "missing") == []
    assert plain_text('- pay [5]{"entity": "amount"} now') == "pay 5 now"


def test_a_new_form_of_a_training_word_is_no_misspelling():
    vocabulary = Vocabulary(["the site rejected my login", "I have chosen a user id", "access"])
    found, details = tag(wrong("site rejects my login"), vocabulary)
    assert "misspelling" not in found and details["unseen_word"] == "rejects (form of rejected)"
    assert tag(wrong("I chose a user id"), vocabulary)[1]["unseen_word"] == "chose (form of chosen)"
    assert tag(wrong("accessing it"), vocabulary)[1]["unseen_word"] == "accessing (form of access), it"


def test_a_written_run_reads_back_for_re_scoring_without_the_model():
    items = predictions()
    tag_errors(items, VOCABULARY)
    run = Run(model="m.tar.gz", when="now", seconds=3.0, targets=Targets(), notes=("n",))
    again_run, again = read_predictions(predictions_json(items, run))
    assert again_run.model == "m.tar.gz" and again_run.notes == ("n",)
    assert [(p.expected, p.predicted, p.right) for p in again] == [
        (p.expected, p.predicted, p.right) for p in items
    ]
