"""What writing an album's keyword into XMP sidecars does, in words, for its plan, its result
and the history (out of sidecars.py, past 18 KB)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from photoorg.core.humanize import plural, quoted

if TYPE_CHECKING:
    from photoorg.core.sidecars import KeywordStep


def emptied_phrase(steps: Sequence[KeywordStep], future: bool = False) -> str:
    """'the 2 sidecars photoorg had made were left empty and went to the trash' ('' when none
    did; ``future``: 'will be left empty and go to the trash')."""
    n = sum(1 for s in steps if s.empties)
    if not n:
        return ""
    were, went = ("will be", "go") if future else ("were" if n > 1 else "was", "went")
    return f"the {plural(n, 'sidecar')} photoorg had made {were} left empty and {went} to the trash"


def keywords_phrase(
    name: str,
    steps: Sequence[KeywordStep],
    past: bool = False,
    noun: str = "sidecar",
    everywhere: bool = False,
) -> str:
    """What writing the album's keyword does, in words: 'write the keyword “Sea” into 3
    sidecars, take “Beach” out of 2 and take “Beach” out of 1 of photos no longer in the
    album' (``past``: 'wrote …, took …'; ``everywhere``: the album's keywords taken out of
    every sidecar, its photos' too)."""
    write, take = ("wrote", "took") if past else ("write", "take")
    adding = [s for s in steps if s.member and s.adds]
    parts = [f"{write} the keyword {quoted(name)} into {plural(len(adding), noun)}"] if adding else []
    leaving = "" if everywhere else " of photos no longer in the album"
    for members, whose in ((True, ""), (False, leaving)):
        out = [s for s in steps if s.member is members and s.takes_out]
        if out:
            words = " and ".join(quoted(w) for w in sorted({w for s in out for w in s.takes_out}))
            parts.append(f"{take} {words} out of {plural(len(out), noun)}{whose}")
    if not parts:
        return (
            f"{take} the keyword {quoted(name)} out of no {noun}"
            if everywhere
            else f"{write} the keyword {quoted(name)} into no {noun}"
        )
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
