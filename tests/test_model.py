"""scraper.model: the oblivious-tree model file format and its numpy inference."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scraper.errors import ModelError
from scraper.model import Classifier


def tiny_model(second: Classifier | None = None, features=("a", "b")) -> Classifier:
    # one tree of depth 2: bit 0 is a > 0.5, bit 1 is b > 1.5
    return Classifier("tiny", tuple(features), np.array([[0, 1]]), np.array([[0.5, 1.5]]),
                      np.array([[-2.0, 1.0, 3.0, 5.0]]), bias=0.5, second_stage=second)


def test_oblivious_tree_inference_reads_levels_as_bits() -> None:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0], [np.nan, 2.0]])
    assert list(tiny_model().logits(X)) == [-1.5, 1.5, 3.5, 5.5, 3.5]


def test_a_second_stage_survives_the_file_round_trip(tmp_path: Path) -> None:
    model = tiny_model(second=tiny_model(features=("a", "b", "z")))
    path = tmp_path / "m.json"
    model.save(path)
    loaded = Classifier.load(path)
    assert loaded.second_stage is not None and loaded.second_stage.features == ("a", "b", "z")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["second_stage"]["features"] = ["z", "a", "b"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="first stage's features first"):
        Classifier.load(path)


@pytest.mark.parametrize("content, message", [
    (None, "cannot read model"),
    ("{not json", "invalid JSON"),
    ('{"format": "something-else"}', "not a model file"),
    (json.dumps({"format": "scraper-oblivious-trees", "version": 1, "features": ["a"],
                 "depth": 1, "split_features": [[3]], "split_thresholds": [[0.5]],
                 "leaf_values": [[0, 1]]}), "does not exist"),
])
def test_a_missing_or_corrupt_model_file_is_a_model_error_naming_it(
        tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "blocks.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message) as caught:
        Classifier.load(path)
    assert str(path) in str(caught.value)
