"""The featurizer keeps each word's word pieces: the same pieces as the tokenizer gives, never
shared between callers, and kept only for words of ordinary length."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu_components import mean_pooled_featurizer
from nlu_components.mean_pooled_featurizer import MeanPooledLanguageModelFeaturizer

ENCODER = Path("var/sentence-encoder")


@pytest.fixture(scope="module")
def featurizer():
    if not (ENCODER / "vocab.txt").exists():
        pytest.skip("the sentence encoder is set up by `make` (var/sentence-encoder)")
    from transformers import BertTokenizer

    # Only the tokenizer is needed: the language model itself is not loaded.
    featurizer = object.__new__(MeanPooledLanguageModelFeaturizer)
    featurizer.tokenizer = BertTokenizer.from_pretrained(str(ENCODER))
    return featurizer


def test_kept_pieces_are_the_tokenizers_own(featurizer):
    for word in ["freeze", "unrecognised", "कार्ड", "बैलेंस", "5k", "\u200d", "freeze"]:
        expected = featurizer.tokenizer.encode(word, add_special_tokens=False) or [
            featurizer.tokenizer.unk_token_id
        ]
        assert featurizer._lm_tokenize(word)[0] == expected
        assert featurizer._lm_tokenize(word)[0] == expected  # and again, from what was kept


def test_a_caller_changing_its_pieces_does_not_change_the_next_callers(featurizer):
    ids, strings = featurizer._lm_tokenize("statement")
    ids.append(0)
    strings.clear()
    again_ids, again_strings = featurizer._lm_tokenize("statement")
    assert 0 not in again_ids and again_strings


def test_long_words_and_words_beyond_the_bound_are_not_kept(featurizer, monkeypatch):
    featurizer._lm_tokenize("x" * 200)
    assert "x" * 200 not in featurizer._word_pieces
    monkeypatch.setattr(mean_pooled_featurizer, "WORDS_KEPT", len(featurizer._word_pieces))
    featurizer._lm_tokenize("overdraft")
    assert "overdraft" not in featurizer._word_pieces
