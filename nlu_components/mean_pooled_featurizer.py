"""Rasa's LanguageModelFeaturizer with the sentence vector all-MiniLM-L6-v2 was trained for.

Rasa takes BERT's [CLS] token as the sentence vector; all-MiniLM-L6-v2 was trained so that
the mean of all its token vectors, normalised to length 1, carries the meaning of the
sentence. Using that mean gives DIET a sentence feature that generalises to unseen wording.
Token (sequence) features are unchanged.
"""

from __future__ import annotations

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer


def mean_pooled(sequence_embedding: np.ndarray) -> np.ndarray:
    """Mean over the tokens (the special ones included, as in training), unit length."""
    mean = sequence_embedding.mean(axis=0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm > 0 else mean


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MeanPooledLanguageModelFeaturizer(LanguageModelFeaturizer):
    def _post_process_sequence_embeddings(
        self, sequence_embeddings: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        _, token_embeddings = super()._post_process_sequence_embeddings(sequence_embeddings)
        sentence_embeddings = np.array([mean_pooled(example) for example in sequence_embeddings])
        return sentence_embeddings, token_embeddings
