"""The Albums page's bulk answers: accept the likely suggestions shown, reject the unlikely
ones; each button says how many it takes (out of albums.py, past 400 lines)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from photoorg.core.humanize import plural


def these(verb: str, n: int) -> str:
    """A button's words for the ``n`` suggestions shown: "Accept the 15 shown" (a review read
    "Accept these 60" beside "89 more likely" as a count that disagreed)."""
    return f"{verb} the {n} shown" if n > 1 else f"{verb} this one" if n else f"{verb} all"


def bulk_answer(button: QPushButton, verb: str, has: bool, k: int, n: int, kind: str, scored: str) -> None:
    """A bulk answer's button: it takes the ``k`` of the ``n`` suggestions shown that are of
    its ``kind`` (likely ones are accepted, unlikely ones rejected), and says so."""
    button.setEnabled(has and k > 0)
    if k == n or not has:
        button.setText(these(verb, n))
        button.setToolTip(f"{verb} every suggestion shown")
    elif k:
        button.setText(f"{verb} the {k} {kind}")
        button.setToolTip(
            f"{verb} the {plural(k, 'suggestion')} shown with {scored}; the {n - k} others stay to "
            "be answered"
        )
    else:
        button.setText(f"{verb} the {kind}")
        button.setToolTip(
            f"None of the suggestions shown has {scored}: select those you mean and {verb} them one "
            "by one; each answer makes the album surer"
        )
