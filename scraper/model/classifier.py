"""A gradient-boosted ensemble of oblivious decision trees, stored as JSON, run with numpy.

Oblivious trees (CatBoost's kind) test one feature against one threshold per level, so
a tree of depth D is D (feature, threshold) pairs and 2**D leaf values: a row's leaf is
the D comparison bits read as a binary number. All trees of a model are evaluated at once,
one comparison per level over every tree and row, which keeps a page's few hundred blocks
under a millisecond.

File format (UTF-8 JSON object):

    {"format": "scraper-oblivious-trees", "version": 1,
     "name": "blocks",                      # what the model classifies
     "features": ["chars", "words", ...],   # column order of the feature matrix
     "depth": 6,
     "split_features": [[3, 0, 7, 1, 1, 9], ...],   # per tree, per level: column index
     "split_thresholds": [[12.5, ...], ...],        # go to bit 1 when value > threshold
     "leaf_values": [[...2**depth floats...], ...],
     "bias": -0.3, "scale": 1.0,            # logit = scale * sum(leaves) + bias
     "threshold": 0.0,                      # logit above which a row is content
     "training": {...}}                     # how it was made (data, folds, scores): free form

Bit k of a leaf index is level k's comparison. Values and thresholds are compared as
float32 (CatBoost's own precision, so a value on a border goes the way it goes in
CatBoost); a NaN value compares as "not above" (CatBoost's nan_mode "Min").

A model may carry a second stage: `"second_stage": {...}`, an object of the same form
(without "format" and "version") whose features are the first stage's followed by what its
user derives from the first stage's logits (for the block classifier:
`scraper.html.blocks.context_features`). `threshold` is then the second stage's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError, os_reason

FORMAT = "scraper-oblivious-trees"
VERSION = 1
MAX_DEPTH = 16  # leaf indices are computed in 16 bits


@dataclass(frozen=True, eq=False)
class Classifier:
    """A loaded model: immutable arrays, safe to share between threads."""

    name: str
    features: tuple[str, ...]
    split_features: np.ndarray = field(repr=False)     # (trees, depth) column indices
    split_thresholds: np.ndarray = field(repr=False)   # (trees, depth)
    leaf_values: np.ndarray = field(repr=False)        # (trees, 2**depth)
    bias: float = 0.0
    scale: float = 1.0
    threshold: float = 0.0
    training: dict[str, Any] = field(default_factory=dict, repr=False)
    second_stage: Classifier | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: str | Path) -> Classifier:
        """Read a model file; ModelError naming the file when it is missing or invalid."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise ModelError(f"{path}: cannot read model: {os_reason(err)}") from err
        except (UnicodeDecodeError, ValueError) as err:
            raise ModelError(f"{path}: not a model file (invalid JSON: {err})") from err
        try:
            return cls.from_dict(data)
        except ModelError as err:
            raise ModelError(f"{path}: {err}") from None

    @classmethod
    def from_dict(cls, data: Any) -> Classifier:
        """Build from the JSON object of a model file; ModelError when it is not one."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"not a model file (format must be {FORMAT!r})")
        if data.get("version") != VERSION:
            raise ModelError(f"unsupported model version {data.get('version')!r}")
        return cls._from_stage(data)

    @classmethod
    def _from_stage(cls, data: Any) -> Classifier:
        if not isinstance(data, dict):
            raise ModelError("invalid model: a stage must be an object")
        try:
            features = tuple(str(f) for f in data["features"])
            depth = int(data["depth"])
            split_features = np.asarray(data["split_features"], dtype=np.intp)
            split_thresholds = np.asarray(data["split_thresholds"], dtype=np.float64)
            leaf_values = np.asarray(data["leaf_values"], dtype=np.float64)
            bias, scale = float(data.get("bias", 0.0)), float(data.get("scale", 1.0))
            threshold = float(data.get("threshold", 0.0))
            second = data.get("second_stage")
        except (KeyError, TypeError, ValueError) as err:
            raise ModelError(f"invalid model: {err}") from None
        trees = len(split_features)
        if not 0 < depth <= MAX_DEPTH:
            raise ModelError(f"invalid model: depth must be 1 to {MAX_DEPTH}")
        if (split_features.shape != (trees, depth) or split_thresholds.shape != (trees, depth)
                or leaf_values.shape != (trees, 2 ** depth) or trees == 0):
            raise ModelError("invalid model: array shapes do not agree with depth")
        if split_features.min() < 0 or split_features.max() >= len(features):
            raise ModelError("invalid model: a split names a feature that does not exist")
        if second is not None:
            second = cls._from_stage(second)
            if second.features[:len(features)] != features:
                raise ModelError("invalid model: the second stage must read the first "
                                 "stage's features first")
        return cls(name=str(data.get("name", "")), features=features,
                   split_features=split_features, split_thresholds=split_thresholds,
                   leaf_values=leaf_values, bias=bias, scale=scale, threshold=threshold,
                   training=dict(data.get("training") or {}), second_stage=second)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the model file."""
        return {"format": FORMAT, "version": VERSION, **self._stage_dict()}

    def _stage_dict(self) -> dict[str, Any]:
        data = {"name": self.name, "features": list(self.features),
                "depth": int(self.split_features.shape[1]),
                "split_features": self.split_features.tolist(),
                "split_thresholds": self.split_thresholds.tolist(),
                "leaf_values": self.leaf_values.tolist(),
                "bias": self.bias, "scale": self.scale, "threshold": self.threshold,
                "training": self.training}
        if self.second_stage is not None:
            data["second_stage"] = self.second_stage._stage_dict()
        return data

    def save(self, path: str | Path) -> None:
        """Write the model file (compact JSON)."""
        Path(path).write_text(json.dumps(self.to_dict(), separators=(",", ":")), encoding="utf-8")

    def logits(self, X: np.ndarray) -> np.ndarray:
        """The content log-odds of each row of a (rows, features) matrix."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise ValueError(f"expected a (rows, {len(self.features)}) matrix, got {X.shape}")
        if not len(X):
            return np.zeros(0)
        trees, depth = self.split_features.shape
        columns = np.ascontiguousarray(X.T, dtype=np.float32)  # a feature's values together
        thresholds = self.split_thresholds.astype(np.float32)[:, :, None]
        dtype = np.uint8 if depth <= 8 else np.uint16
        leaves = np.zeros((trees, len(X)), dtype=dtype)
        for level in range(depth):  # one (trees, rows) comparison per level
            above = columns[self.split_features[:, level]] > thresholds[:, level]
            leaves |= above.view(np.uint8).astype(dtype, copy=False) << level
        flat = leaves + (np.arange(trees) << depth)[:, None]
        return self.scale * self.leaf_values.ravel()[flat].sum(axis=0) + self.bias

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """P(content) of each row."""
        return 1.0 / (1.0 + np.exp(-self.logits(X)))


def site_fold(site: str, folds: int) -> int:
    """The cross-validation fold of a site (a host without `www.`): stable across runs and
    machines, so every page of a site falls in one fold."""
    key = site.lower().removeprefix("www.")
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % folds
