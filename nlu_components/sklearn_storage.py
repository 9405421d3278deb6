"""Saving and loading the scikit-learn models of our NLU components inside the Rasa model.

skops rather than pickle: loading refuses any type other than the scikit-learn, numpy and scipy
types these components save, so a tampered model file cannot run code.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

SAFE_TYPE_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.")


def dump(model: Any, model_storage: ModelStorage, resource: Resource, file_name: str) -> None:
    import skops.io as sio

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
        return sio.load(path, trusted=allowed)
