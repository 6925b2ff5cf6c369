"""The line model's say: each line's probability of being article text and its weight in
the body search.

The model (`scraper.model.Classifier`, bundled as `model/lines.json`, trained by `python -m
scraper.train lines`) reads the features of `features.line_features`. A line's weight is
the article text it is expected to add: its words times (its probability - CONTENT_PRIOR),
within +-WEIGHT_CAP.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import ModelError
from ..model import Classifier
from .classify import Kind, Line
from .features import FEATURES, line_features

CONTENT_PRIOR = 0.5
# One long comment or teaser cannot pull the body across a gap of chrome, nor one long
# footer cut it short.
WEIGHT_CAP = 20.0
# Rule-decided boilerplate weighs like a short line the model is sure of: it is dropped
# anyway, and must not split an article it interrupts ("Share this" between paragraphs).
BOILER_WEIGHT = -4.0
# A line on a quarter of the site's pages weighs at most this much: the corpora have too
# few pages per site for the model to learn what repetition means.
REPEAT_WEIGHT = BOILER_WEIGHT
# Inside the body, a line whose content probability is below this is dropped.
DROP_PROBABILITY = 0.3
# Rows scored at once: bounds the model's working memory on very long texts.
SCORE_ROWS = 256

_FEATURE_COLUMN = {name: i for i, name in enumerate(FEATURES)}


def content_logits(lines: list[Line], model: Classifier, *,
                   shapes: dict[str, list[float]] | None = None) -> np.ndarray:
    """The model's content log-odds of each line (`shapes`: see `line_features`);
    ModelError when the model reads a feature this version does not compute."""
    X = line_features([line.text for line in lines], [line.signals for line in lines],
                      shapes=shapes)
    try:
        columns = [_FEATURE_COLUMN[name] for name in model.features]
    except KeyError as err:
        raise ModelError(f"line model {model.name!r} needs feature {err.args[0]!r}, "
                         "which this version does not compute") from None
    X = X[:, columns]
    return np.concatenate([model.logits(X[i:i + SCORE_ROWS])
                           for i in range(0, len(X), SCORE_ROWS)] or [np.zeros(0)])


def score_lines(lines: list[Line], model: Classifier, *,
                shapes: dict[str, list[float]] | None = None) -> list[Line]:
    """The lines with the model's content probability and their body-search weight."""
    return weigh(lines, content_logits(lines, model, shapes=shapes))


def weigh(lines: list[Line], logits: np.ndarray) -> list[Line]:
    """The lines with their content probability and weight, from their content log-odds.

    The items of a list (`Line.listed`: a changelog, numbered steps) never weigh against
    the body and are not dropped inside it, however short: the corpora's dumps hardly hold
    such lists, so the model cannot tell them from a menu.
    """
    out = []
    for line, logit in zip(lines, logits):
        content = float(1.0 / (1.0 + np.exp(-logit)))
        weight = min(max(max(line.words, 1) * (content - CONTENT_PRIOR), -WEIGHT_CAP),
                     WEIGHT_CAP)
        if line.listed:
            weight, content = max(weight, 0.0), max(content, CONTENT_PRIOR)
        if line.kind is Kind.BOILER:
            weight = BOILER_WEIGHT
        elif line.signals.repeat == 1:
            weight = min(weight, REPEAT_WEIGHT)
        out.append(replace(line, content=content, weight=weight))
    return out
