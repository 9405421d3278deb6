"""The intent classifier trains, saves, loads and classifies; its files are loaded safely."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components import sklearn_storage
from nlu_components.linear_intent_classifier import LinearIntentClassifier, classifier_text

EXAMPLES = {
    "freeze_card": ["freeze my card", "please freeze the card", "block my card for now", "कार्ड फ्रीज़ करो"],
    "check_balance": ["what is my balance", "how much do I owe", "show my balance", "मेरा बैलेंस बताओ"],
    "out_of_scope": ["what's the weather", "tell me a joke", "who won the match", "आज मौसम कैसा है"],
}


def with_sentence_vector(message: Message, topic_index: int) -> Message:
    """A stand-in for the MiniLM sentence feature: one direction per topic."""
    vector = np.zeros((1, 8), dtype=np.float32)
    vector[0, topic_index] = 1.0
    message.add_features(Features(vector, "sentence", TEXT, "MeanPooledLanguageModelFeaturizer"))
    return message


@pytest.fixture()
def storage_and_context(tmp_path):
    return LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")


def trained(storage, context, **config) -> LinearIntentClassifier:
    data = TrainingData(
        [
            with_sentence_vector(Message.build(text, intent), index)
            for index, (intent, texts) in enumerate(EXAMPLES.items())
            for text in texts * 2
        ]
    )
    resource = Resource(f"intents-{sorted(config.items())}")
    settings = {**LinearIntentClassifier.get_default_config(), **config}
    LinearIntentClassifier.create(settings, storage, resource, context).train(data)
    return LinearIntentClassifier.load(settings, storage, resource, context)


def test_trained_saved_loaded_and_classifying_like_diet(storage_and_context):
    classifier = trained(*storage_and_context)
    message = with_sentence_vector(Message.build("can you freeze my card please"), 0)
    classifier.process([message])
    intent, ranking = message.get("intent"), message.get("intent_ranking")
    assert intent["name"] == "freeze_card"
    assert ranking[0] == intent and len(ranking) == 3
    assert abs(sum(item["confidence"] for item in ranking) - 1.0) < 1e-6
    confidences = [item["confidence"] for item in ranking]
    assert confidences == sorted(confidences, reverse=True)


def test_a_message_without_a_sentence_feature_is_still_classified(storage_and_context):
    classifier = trained(*storage_and_context)
    message = Message.build("what's my balance")
    classifier.process([message])
    assert message.get("intent")["name"] == "check_balance"


def test_hindi_is_read_with_its_latin_spelling():
    assert classifier_text("कार्ड ब्लॉक करो") == "कार्ड ब्लॉक करो kard blok karo"
    assert classifier_text("Freeze my CARD") == "freeze my card"


def test_a_model_file_holding_other_types_is_refused(storage_and_context):
    from collections import OrderedDict

    storage, _ = storage_and_context
    resource = Resource("tampered")
    sklearn_storage.dump(OrderedDict(a=1), storage, resource, "intents.skops")
    with pytest.raises(ValueError, match="unexpected types"):
        sklearn_storage.load(storage, resource, "intents.skops")


def test_an_unloadable_model_leaves_messages_unclassified(storage_and_context):
    storage, context = storage_and_context
    classifier = LinearIntentClassifier.load({}, storage, Resource("never-trained"), context)
    message = Message.build("freeze my card")
    classifier.process([message])
    assert message.get("intent") is None  # the fallback then answers "did not understand"


def test_training_on_two_cores_gives_the_same_model_as_on_one(storage_and_context):
    one = trained(*storage_and_context, training_jobs=1).model
    two = trained(*storage_and_context, training_jobs=2).model
    assert one is not None and two is not None
    assert np.array_equal(one["classifier"].coef_, two["classifier"].coef_)


def test_the_saved_vectorizers_leave_out_the_cut_terms_and_read_text_the_same(storage_and_context):
    storage, context = storage_and_context
    classifier = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("cut-terms"), context
    )
    chars, words = classifier._vectorizers()
    texts = [classifier_text(text) for texts in EXAMPLES.values() for text in texts]
    chars.fit(texts)
    words.fit(texts)
    assert chars.stop_words_  # min_df cut some n-grams: there is something to leave out
    sample = [classifier_text(text) for text in ["freeze it please", "मेरा कार्ड", "weather?"]]
    expected = chars.transform(sample)
    sklearn_storage.dump({"chars": chars, "words": words}, storage, Resource("cut-terms"), "v.skops")
    saved = sklearn_storage.load(storage, Resource("cut-terms"), "v.skops")["chars"]
    assert not hasattr(saved, "stop_words_")
    assert (saved.transform(sample) != expected).nnz == 0


def test_a_loaded_classifier_scores_from_column_ordered_weights_with_the_same_result(storage_and_context):
    classifier = trained(*storage_and_context)
    weights = classifier.model["classifier"].coef_
    assert weights.flags["F_CONTIGUOUS"]  # its transpose is read in place, not copied per message
    message = with_sentence_vector(Message.build("freeze my card please"), 0)
    features = classifier._features([message])
    row_ordered = np.ascontiguousarray(weights)
    expected = features @ row_ordered.T + classifier.model["classifier"].intercept_
    scores = classifier.model["classifier"].decision_function(features)
    assert np.allclose(scores, expected, rtol=0, atol=1e-12)
