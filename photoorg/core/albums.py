"""Albums taught by example: a classifier on the DINOv2 vectors finds the rest.

The DINOv2 model card's advice, followed literally: train a standard linear classifier on top
of the features. An album holds photos by content (fingerprints): the examples the person gave,
the suggestions they accepted, and the ones they rejected. To suggest:

- positives are the examples and accepted members; negatives are the rejected photos plus a
  sample of the library (two thousand photos, most of which are not in the album: photos are
  unlabelled, and an album is a small part of a library);
- an L2-regularised logistic regression, with both classes weighted equally, is fitted with
  L-BFGS (scipy) on those, then every photo of the library is scored in one matrix product;
- the suggestions are the best scored photos not yet labelled, and "likely" counts those above
  the decision boundary (probability 0.5).

With a few thousand training rows and one product over the library, a retrain and rescore
takes tens of milliseconds at 100k photos (tests/bench/bench_albums.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from photoorg.core.errors import PhotoorgError
from photoorg.core.humanize import name_key

if TYPE_CHECKING:
    from photoorg.core.catalog import Catalog

EXAMPLE, MEMBER, REJECTED, REMOVED = "example", "member", "rejected", "removed"
NEGATIVE_SAMPLE = 2000
C = 1.0  # inverse regularisation strength, as scikit-learn counts it
LIKELY = 0.5  # the decision boundary: a photo scored at least this is likely of the album


def same_name(a: str, b: str) -> bool:
    """Whether two album names are one name (see :func:`photoorg.core.humanize.name_key`)."""
    return name_key(a) == name_key(b)


def clashing_names(names: list[str]) -> list[str]:
    """The names given to more than one album (as ``same_name`` compares them)."""
    seen: dict[str, str] = {}
    clashes = []
    for name in names:
        key = name_key(name)
        if key not in seen:
            seen[key] = name
        elif seen[key] not in clashes:
            clashes.append(seen[key])
    return clashes


@dataclass
class Album:
    """An album as the person made it, by content."""

    id: int
    name: str
    roles: dict[str, str] = field(default_factory=dict)  # fingerprint -> example, member, rejected

    @property
    def positives(self) -> list[str]:
        return [fp for fp, role in self.roles.items() if role in (EXAMPLE, MEMBER)]

    @property
    def rejected(self) -> list[str]:
        return [fp for fp, role in self.roles.items() if role == REJECTED]


@dataclass
class Scores:
    """Every photo's probability of belonging to an album, and what is left to review."""

    fingerprints: list[str]
    probability: np.ndarray  # per fingerprint
    order: np.ndarray  # indices of the unlabelled photos, most likely first
    likely: int  # unlabelled photos above the decision boundary


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = C) -> tuple[np.ndarray, float]:
    """An L2-regularised logistic regression with balanced class weights: (weights, bias)."""
    from scipy.optimize import minimize

    # float32 products: twice as fast as float64, and far more precise than the answer needs.
    x = np.ascontiguousarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    pos = max(1.0, float(y.sum()))
    neg = max(1.0, float(len(y) - y.sum()))
    weight = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * neg)).astype(np.float32)
    sign = 2 * y - 1
    dim = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:dim].astype(np.float32), np.float32(theta[dim])
        margin = sign * (x @ w + b)
        value = float(np.sum(weight * np.logaddexp(0.0, -margin)) + 0.5 * float(w @ w) / c)
        slope = -weight * sign / (1.0 + np.exp(np.minimum(margin, 50)))  # d loss / d score
        grad = np.empty(dim + 1)
        grad[:dim] = x.T @ slope + w / c
        grad[dim] = float(slope.sum())
        return value, grad

    found = minimize(loss, np.zeros(dim + 1), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return found.x[:dim].astype(np.float32), float(found.x[dim])


def score(
    album: Album, fingerprints: list[str], x: np.ndarray, rng: np.random.Generator | None = None
) -> Scores:
    """Train on the album's answers and score every photo (rows of ``x``, by ``fingerprints``).

    Raises:
        ValueError: the album has no example with a vector yet.
    """
    index = {fp: k for k, fp in enumerate(fingerprints)}
    pos = [index[fp] for fp in album.positives if fp in index]
    if not pos:
        raise ValueError(f"the album {album.name!r} has no example with a vector yet")
    rejected = [index[fp] for fp in album.rejected if fp in index]
    labelled = np.zeros(len(fingerprints), dtype=bool)
    labelled[pos] = True
    labelled[rejected] = True
    rng = rng or np.random.default_rng(album.id)
    free = np.flatnonzero(~labelled)
    sample = rng.choice(free, size=min(NEGATIVE_SAMPLE, len(free)), replace=False) if len(free) else free
    train = np.concatenate([pos, rejected, sample]).astype(np.int64)
    y = np.zeros(len(train))
    y[: len(pos)] = 1
    w, b = fit_logistic(x[train], y)
    logits = x @ w + b
    probability = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
    order = free[np.argsort(-probability[free], kind="stable")]
    return Scores(list(fingerprints), probability, order, int((probability[free] >= LIKELY).sum()))


def refuse_two_albums_of_one_name(catalog: Catalog, summary: str, batches: list[int]) -> None:
    """An undo that would bring back an album's name (a rename's or a deletion's undone) while
    another album has taken that name since is refused: two albums of one name could not be
    told apart by name."""
    now = clashing_names([name for _, name, _ in catalog.albums()])
    then = clashing_names([name for _, name, _ in catalog.albums(without=batches)])
    after = [n for n in then if n not in now]
    if after:
        raise PhotoorgError(
            f"Undoing action {batches[0]} ({summary}) would make two albums called {after[0]!r}; "
            "rename the other one first ('photoorg album rename', or right-click it in Albums)."
        )


ALBUM_NAME_MAX = 200  # characters; it becomes a keyword in sidecars and a folder name


def album_name(name: str) -> str:
    """The name as kept: trimmed, accents composed; refused when empty, too long, or holding
    control characters (a review made albums named with a newline or an escape sequence,
    which `album keywords` would write into every sidecar)."""
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise PhotoorgError("An album needs a name.")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in name):  # not Cf: emoji joiners
        raise PhotoorgError("An album's name cannot hold control characters (a new line, a tab).")
    if len(name) > ALBUM_NAME_MAX:
        raise PhotoorgError(f"An album's name can have at most {ALBUM_NAME_MAX} characters, not {len(name)}.")
    return name
