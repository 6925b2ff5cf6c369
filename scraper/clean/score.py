"""The line model's say: each line's probability of being article text and its weight in
the body search.

The model (`scraper.model.Classifier`, bundled as `model/lines.json`, trained by `python -m
scraper.train lines`) reads the features of `features.line_features`. A line's weight is
its hand weight (`hand_weight`: its words beyond a prose line's, its rule kind) plus
MODEL_WEIGHT times the model's content log-odds: the hand weight finds the article's
extent well (long prose lines in a row), the model's log-odds tell short article lines
(subheadings, captions) from short chrome and long chrome (teasers, comments) from prose.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from ..lines.classify import Kind, Line, make_line
from ..lines.features import FEATURES, line_features
from ..model import Classifier
from ..text.lines import PROSE_WORDS

# Hand weight: a prose line of PROSE_WORDS words weighs nothing, each word more adds one,
# each word less takes SHORT_PENALTY off, capped at MAX_LINE_WEIGHT; rule kinds weigh
# KIND_WEIGHT.
SHORT_PENALTY = 0.5
MAX_LINE_WEIGHT = 40.0
KIND_WEIGHT = {Kind.BOILER: -12.0, Kind.SOFT: -8.0, Kind.META: -4.0}
# Chosen out of fold on the trafilatura and WCXB dumps among 0, 0.5, 1, 2, 3 (3 lost a
# seed's headline); the readability dumps were the held-out check.
MODEL_WEIGHT = 2.0
LOGIT_CAP = 8.0
# Rule-decided boilerplate weighs like a short line, whatever the model says: it is dropped
# anyway, and must not split an article it interrupts ("Share this" between paragraphs).
BOILER_WEIGHT = -4.0
# Inside the body, a line of at most DROP_MAX_WORDS words whose content probability is
# below DROP_PROBABILITY is dropped (`assemble`). Longer lines are left to the body search:
# the model sees a re-cleaned record's lines in other company than the dump's, and dropping
# long lines there cut articles short pass after pass (out of fold, with re-cleaning: WCXB
# word F1 0.853 with every line droppable, 0.910 with lines up to PROSE_WORDS).
DROP_PROBABILITY = 0.3
DROP_MAX_WORDS = PROSE_WORDS
# Rows scored at once: bounds the model's working memory on very long texts.
SCORE_ROWS = 256

_FEATURE_COLUMN = {name: i for i, name in enumerate(FEATURES)}


def content_logits(lines: list[Line], model: Classifier, *,
                   shapes: dict[str, tuple[np.ndarray, str]] | None = None) -> np.ndarray:
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
                shapes: dict[str, tuple[np.ndarray, str]] | None = None) -> list[Line]:
    """The lines with the model's content probability and their body-search weight."""
    return weigh(lines, content_logits(lines, model, shapes=shapes))


def hand_weight(line: Line) -> float:
    """A line's weight from its rule kind and its words alone (the cleaner's weight before
    the model)."""
    if line.kind is not Kind.TEXT:
        return KIND_WEIGHT[line.kind]
    excess = float(line.words - PROSE_WORDS)
    if excess < 0:
        excess *= SHORT_PENALTY
    if line.listed:
        excess = max(excess, 0.0)
    return min(excess, MAX_LINE_WEIGHT)


def weigh(lines: list[Line], logits: np.ndarray) -> list[Line]:
    """The lines with their content probability and weight, from their content log-odds.

    The items of a list (`Line.listed`: a changelog, numbered steps) never weigh against
    the body and are not dropped inside it, however short: the corpora's dumps hardly hold
    such lists, so the model cannot tell them from a menu.
    """
    contents = (1.0 / (1.0 + np.exp(-logits))).tolist()  # as np.exp of each, bit for bit
    scaled = (MODEL_WEIGHT * np.clip(logits, -LOGIT_CAP, LOGIT_CAP)).tolist()
    out = []
    for line, content, model_weight in zip(lines, contents, scaled):
        weight = hand_weight(line) + model_weight
        if line.listed:
            weight, content = max(weight, 0.0), max(content, DROP_PROBABILITY)
        if line.kind is Kind.BOILER:
            weight = BOILER_WEIGHT
        out.append(make_line(line.text, line.kind, line.words, line.sentence, line.signals,
                             line.listed, content, weight))
    return out
