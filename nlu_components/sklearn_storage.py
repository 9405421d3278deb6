"""Saving and loading the scikit-learn models of our NLU components inside the Rasa model.

skops rather than pickle: loading refuses any type other than the scikit-learn, numpy and scipy
types these components save, so a tampered model file cannot run code.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import Self

logger = logging.getLogger(__name__)

SAFE_TYPE_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.")


def drop_cut_terms(model: Any) -> None:
    """A fitted TF-IDF vectorizer keeps every term that min_df cut (`stop_words_`), for
    introspection only (scikit-learn: "can be safely removed"). Ours cut several hundred
    thousand character n-grams: they made the model file 39 MB and took 9 s of training to save."""
    if isinstance(model, dict):
        parts = list(model.values())
    else:
        parts = [step for _, step in getattr(model, "steps", [])] or [model]
    for part in parts:
        if hasattr(part, "stop_words_"):
            del part.stop_words_


def dump(model: Any, model_storage: ModelStorage, resource: Resource, file_name: str) -> None:
    import skops.io as sio

    drop_cut_terms(model)
    with model_storage.write_to(resource) as model_dir:
        sio.dump(model, model_dir / file_name)


def load(model_storage: ModelStorage, resource: Resource, file_name: str) -> Any:
    """The saved model; ValueError when it is missing or holds a type we did not save."""
    import skops.io as sio

    with model_storage.read_from(resource) as model_dir:
        path = model_dir / file_name
        if not path.is_file():
            raise ValueError(f"{file_name} is missing")
        untrusted = sio.get_untrusted_types(file=path)
        allowed = [name for name in untrusted if name.startswith(SAFE_TYPE_PREFIXES)]
        if len(allowed) != len(untrusted):
            raise ValueError(f"unexpected types in {path}: {set(untrusted) - set(allowed)}")
        model = sio.load(path, trusted=allowed)
    weights_by_column(model)
    return model


def weights_by_column(model: Any) -> None:
    """A linear model scores a message as `features @ coef_.T`. With coef_ stored row by row,
    scipy copied its transpose (40 topics x 46,000 features) for every message: 1.5 ms of the
    classifier's 1.7. Stored column by column, the transpose is read in place: the same numbers."""
    import numpy as np

    if isinstance(model, dict):
        parts = list(model.values())
    else:
        parts = [step for _, step in getattr(model, "steps", [])] or [model]
    for part in parts:
        if isinstance(getattr(part, "coef_", None), np.ndarray):
            part.coef_ = np.asfortranarray(part.coef_)


class SavedModelComponent(GraphComponent):
    """A trainable NLU component whose model is one scikit-learn object saved with this module.

    Subclasses name the file (`file_name`), say what a missing model means (`not_loaded`), give
    their defaults (`get_default_config`) and implement `train` (ending in `save`) and `process`.
    """

    file_name: ClassVar[str]
    not_loaded: ClassVar[str]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model: Any = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Self:
        component = cls(config, model_storage, resource)
        try:
            component.model = load(model_storage, resource, cls.file_name)
        except ValueError as error:
            logger.warning("%s (%s)", cls.not_loaded, error)
        return component

    def save(self) -> None:
        dump(self.model, self._model_storage, self._resource, self.file_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
