"""CatBoost models into the project's model format (`scraper.model.Classifier`)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Classifier


def exported(booster: Any) -> dict[str, Any]:
    """A fitted CatBoostClassifier's JSON export."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        booster.save_model(str(path), format="json")
        return json.loads(path.read_text(encoding="utf-8"))


def from_catboost(data: dict[str, Any], features: tuple[str, ...], *, name: str,
                  leaf_digits: int | None = None,
                  training: dict[str, Any] | None = None) -> Classifier:
    """A Classifier from CatBoost's JSON export of a binary model on float features;
    `leaf_digits` rounds leaf values to that many significant digits (a smaller file)."""
    trees = data["oblivious_trees"]
    depth = max(len(tree["splits"]) for tree in trees)
    split_features = np.zeros((len(trees), depth), dtype=np.intp)
    split_thresholds = np.full((len(trees), depth), np.inf)  # padding levels never go to 1
    leaf_values = np.zeros((len(trees), 2 ** depth))
    for t, tree in enumerate(trees):
        splits = tree["splits"]
        for level, split in enumerate(splits):
            split_features[t, level] = split["float_feature_index"]
            split_thresholds[t, level] = split["border"]
        values = np.asarray(tree["leaf_values"], dtype=np.float64)
        if leaf_digits is not None:
            values = np.array([float(f"{v:.{leaf_digits}g}") for v in values])
        leaf_values[t] = np.tile(values, 2 ** (depth - len(splits)))
    scale, biases = data.get("scale_and_bias", [1.0, [0.0]])
    bias = biases[0] if isinstance(biases, list) else biases
    return Classifier(name=name, features=features, split_features=split_features,
                      split_thresholds=split_thresholds, leaf_values=leaf_values,
                      bias=float(bias), scale=float(scale), training=training or {})
