"""Rasa's LanguageModelFeaturizer with the sentence vector all-MiniLM-L6-v2 was trained for.

Rasa takes BERT's [CLS] token as the sentence vector; all-MiniLM-L6-v2 was trained so that
the mean of all its token vectors, normalised to length 1, carries the meaning of the
sentence. Using that mean gives DIET a sentence feature that generalises to unseen wording.
Token (sequence) features are unchanged.

The language model runs as a compiled TensorFlow graph rather than eagerly: the same
numbers, in a third of the time per message. And every token gets at least one word piece:
Rasa drops a token whose characters the BERT tokenizer removes (an emoji variation selector,
a zero-width joiner), which leaves the dense features one token short of the sparse ones and
fails training or the message ("All dimensions except 2 must match").

In training, messages are encoded in batches of similar length: a batch is padded to its
longest message, so batches of mixed lengths spent most of the model's time on padding.
Each message's features are the same (padding is masked and cut off).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.shared.nlu.training_data.training_data import TrainingData

TRAINING_BATCH_SIZE = 64  # Rasa's
# Words and their word pieces kept for the process's life: bounded, so that messages full of
# made-up words cannot grow it (at most some 20 MB).
WORDS_KEPT = 50_000
LONGEST_WORD_KEPT = 32


def mean_pooled(sequence_embedding: np.ndarray) -> np.ndarray:
    """Mean over the tokens (the special ones included, as in training), unit length."""
    mean = sequence_embedding.mean(axis=0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm > 0 else mean


def compile_language_model(model: tf.keras.Model) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """One graph for any batch size and sequence length (no retracing per message)."""
    batch_of_ids = tf.TensorSpec(shape=[None, None], dtype=tf.int32)

    @tf.function(input_signature=[batch_of_ids, batch_of_ids])
    def token_vectors(token_ids: tf.Tensor, attention_mask: tf.Tensor) -> tf.Tensor:
        return model(token_ids, attention_mask=attention_mask)[0]

    return token_vectors


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MeanPooledLanguageModelFeaturizer(LanguageModelFeaturizer):
    _token_vectors: Callable[[tf.Tensor, tf.Tensor], tf.Tensor] | None = None

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Rasa's, with the messages of each batch of similar length."""
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            examples = [example for example in training_data.training_examples if example.get(attribute)]
            # Characters stand for word pieces; the sort is stable, so training stays reproducible.
            examples.sort(key=lambda example: len(str(example.get(attribute))))
            for start in range(0, len(examples), TRAINING_BATCH_SIZE):
                batch = examples[start : start + TRAINING_BATCH_SIZE]
                for example, doc in zip(batch, self._get_docs_for_batch(batch, attribute), strict=True):
                    self._set_lm_features(doc, example, attribute)
        return training_data

    def _lm_tokenize(self, text: str) -> tuple[list[int], list[str]]:
        # Rasa splits each word separately, with the slow Python tokenizer; words repeat.
        known = self.__dict__.setdefault("_word_pieces", {})
        pieces = known.get(text)
        if pieces is None:
            pieces = self._word_pieces_of(text)
            if len(known) < WORDS_KEPT and len(text) <= LONGEST_WORD_KEPT:
                known[text] = pieces
        return list(pieces[0]), list(pieces[1])

    def _word_pieces_of(self, text: str) -> tuple[list[int], list[str]]:
        token_ids, token_strings = super()._lm_tokenize(text)
        if not token_ids:
            return [self.tokenizer.unk_token_id], [self.tokenizer.unk_token]
        return token_ids, token_strings

    def _compute_batch_sequence_features(
        self, batch_attention_mask: np.ndarray, padded_token_ids: list[list[int]]
    ) -> np.ndarray:
        if self._token_vectors is None:
            self._token_vectors = compile_language_model(self.model)
        token_ids = tf.convert_to_tensor(padded_token_ids, dtype=tf.int32)
        attention_mask = tf.cast(tf.convert_to_tensor(batch_attention_mask), tf.int32)
        return self._token_vectors(token_ids, attention_mask).numpy()

    def _post_process_sequence_embeddings(
        self, sequence_embeddings: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        _, token_embeddings = super()._post_process_sequence_embeddings(sequence_embeddings)
        sentence_embeddings = np.array([mean_pooled(example) for example in sequence_embeddings])
        return sentence_embeddings, token_embeddings

