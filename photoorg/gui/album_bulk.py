"""The Albums page's bulk answers: accept the likely suggestions in view, reject the unlikely
ones; each button says how many it takes. And which suggestions keep their places as new ones
come (out of albums.py, past 400 lines)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractItemView, QPushButton

from photoorg.core.albums import LIKELY
from photoorg.core.humanize import plural


def these(verb: str, n: int) -> str:
    """A button's words for the ``n`` suggestions in view: "Accept the 15 in view" (a review read
    "Accept these 60" beside "89 more likely" as a count that disagreed)."""
    return f"{verb} the {n} in view" if n > 1 else f"{verb} this one" if n else f"{verb} all"


def rows_in_view(grid: QAbstractItemView, count: int) -> list[int]:
    """The rows of ``grid`` (of ``count``) at least half in view: what a bulk answer takes."""
    grid.executeDelayedItemsLayout()  # the rows where they are now, not before the last change
    area = grid.viewport().rect()
    first = grid.indexAt(area.topLeft() + QPoint(4, 4))
    start = max(0, first.row() - 1) if first.isValid() else 0
    out = []
    for row in range(start, count):
        rect = grid.visualRect(grid.model().index(row, 0))
        if rect.top() > area.bottom():
            break
        seen = rect.intersected(area)
        if not seen.isEmpty() and 2 * seen.height() >= rect.height():
            out.append(row)
    return out


def bulk_answer(button: QPushButton, verb: str, has: bool, k: int, n: int, kind: str, scored: str) -> None:
    """A bulk answer's button: it takes the ``k`` of the ``n`` suggestions shown that are of
    its ``kind`` (likely ones are accepted, unlikely ones rejected), and says so."""
    button.setEnabled(has and k > 0)
    if k == n or not has:
        button.setText(these(verb, n))
        button.setToolTip(f"{verb} every suggestion in view (scroll for more)")
    elif k:
        button.setText(f"{verb} the {k} {kind}")
        button.setToolTip(
            f"{verb} the {plural(k, 'suggestion')} in view with {scored}; the {n - k} others stay to "
            "be answered"
        )
    else:
        button.setText(f"{verb} the {kind}")
        button.setToolTip(
            f"None of the suggestions in view has {scored}: select those you mean and {verb} them one "
            "by one; each answer makes the album surer"
        )


def after_shown(
    grid: QAbstractItemView, shown: Sequence[Any], fresh: list[tuple[Any, float]]
) -> list[tuple[Any, float]]:
    """The new suggestions, best first, except that those the person can see now (``shown``,
    the photos in ``grid``, and the ones above them) keep their places, with their new scores."""
    viewport = grid.viewport()
    last = grid.indexAt(QPoint(viewport.width() - 8, viewport.height() - 8))
    end = last.row() + 1 if last.isValid() else len(shown)
    by_path = {p.path: (p, s) for p, s in fresh}
    seen = [by_path[p.path] for p in shown[:end] if p.path in by_path]
    kept = {p.path for p, _ in seen}
    return seen + [(p, s) for p, s in fresh if p.path not in kept]


def likely_rows(scores: Sequence[float] | None, rows: int) -> list[int]:
    """The rows shown that the album finds likely (all of them, when the grid shows the
    album's own photos, which have no score)."""
    if scores is None:
        return list(range(rows))
    return [r for r, s in enumerate(scores) if s >= LIKELY]
