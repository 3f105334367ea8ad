"""An album's name written as a keyword into its photos' XMP sidecars: journaled and undoable,
like every file action (:mod:`photoorg.core.actions`), by the sidecar writer of
:mod:`photoorg.core.sidecar_writes`.

- Only sidecars are written, never a photo. A sidecar that does not exist is made; one that
  exists gets the keyword added and keeps everything else (:mod:`photoorg.core.xmp`); one that
  is not XMP photoorg can read is left as it is, with the reason.
- Before an existing sidecar changes, a verified copy of it goes to the catalog's folder
  (``sidecar-originals``); the new version is written to a temporary file beside it, flushed
  to the disk, and only then takes the sidecar's name (an atomic rename), so a crash leaves
  either the old or the new version, never half of one.
- The journal holds each sidecar's content before (``fingerprint``) and after (``wrote``).
  Undo puts the earlier version back, or moves a sidecar photoorg made to the trash, only if
  the sidecar still is what photoorg wrote: a later edit by another program is never undone.
- Photos in protected folders are left alone: photoorg writes no sidecar there (it moves no
  photo out of one either; a move or copy into one is allowed: an archive is filled so).
- Writing the album's keyword again takes out what photoorg itself added earlier and no
  longer holds (:func:`written_by_photoorg`): the album's old name after a rename, and its
  name from the sidecars of photos that left it. A keyword the sidecar had before photoorg
  added it stays, and so does the name of another album the photo is in.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from photoorg.core.actions import KEYWORDS, Outcome, Step
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.catalog.journal import CARRIED_SIDECAR_TRASHED
from photoorg.core.paths import FolderSet
from photoorg.core.sidecar_names import sidecar_for
from photoorg.core.sidecar_writes import read_sidecar, unwritable, write_sidecars
from photoorg.core.undo_places import ChangedSinceError
from photoorg.core.xmp import NotXmp, add_keywords, keywords, same_keyword

log = logging.getLogger(__name__)


#: How the history says that a sidecar photoorg made, which a later move took with its photo,
#: went to the trash when the keyword's action was undone (kept as that move step's undo_error,
#: followed by the keyword's action number).
TRASHED_WITH_UNDO = CARRIED_SIDECAR_TRASHED


@dataclass
class KeywordStep(Step):
    """One sidecar of an album's keywords: the album's name goes in when its photo is in the
    album (``member``), and the keywords in ``takes_out`` go out."""

    member: bool = True
    adds: bool = True  # the sidecar lacks the album's name (planned)
    takes_out: tuple[str, ...] = ()
    empties: bool = False  # left as photoorg makes an empty one: it goes to the trash


@functools.cache
def _empty_sidecar() -> bytes:
    """A sidecar photoorg made, with its keyword taken out again: nothing in it anyone wrote."""
    made = add_keywords(None, ["-"])
    assert made is not None
    return add_keywords(made, [], ["-"]) or made


def written_by_photoorg(catalog: Catalog, album_id: int) -> dict[str, list[str]]:
    """The album's names that photoorg added as keywords to sidecars that did not have them,
    by the sidecar they are in (where it is now, after photoorg's own moves)."""
    out: dict[str, list[str]] = {}
    for entry, word in catalog.keywords_written(album_id):
        try:
            where = where_now(catalog, entry)
        except ChangedSinceError:  # in the trash with its photo
            continue
        words = out.setdefault(where, [])
        if not any(same_keyword(word, w) for w in words):
            words.append(word)
    return out


def plan_keywords(
    photos: Sequence[str],
    keyword: str,
    protected: Sequence[str] = (),
    written: Mapping[str, Sequence[str]] | None = None,
    keep: Mapping[str, Collection[str]] | None = None,
    leaving: Sequence[str] = (),
) -> list[KeywordStep]:
    """One step per photo of the album (``photos``): its sidecar (``source``; the photo is
    ``companion_of``), or why it is skipped. ``written`` (:func:`written_by_photoorg`): the
    album's names photoorg added to each sidecar; its earlier names go out of the sidecars of
    its photos, and every name out of those of the photos ``leaving`` it, except the names
    ``keep`` holds for a photo (the other albums it is in). A photo leaving whose sidecar has
    nothing to take out has no step. Nothing is written."""
    guarded = FolderSet(protected)
    steps: list[KeywordStep] = []
    members = dict.fromkeys(os.path.abspath(p) for p in photos)
    for photo in [*members, *(os.path.abspath(p) for p in leaving if os.path.abspath(p) not in members)]:
        sidecar = sidecar_for(photo)
        member = photo in members
        kept = [*(keep or {}).get(photo, ()), *([keyword] if member else [])]
        drop = [w for w in (written or {}).get(sidecar, ()) if not any(same_keyword(w, k) for k in kept)]
        step = KeywordStep(sidecar, companion_of=photo, member=member)
        step.skip = unwritable(photo, sidecar, guarded) or _why_not(step, keyword, drop)
        if member or step.skip is None or (drop and step.skip != _NOTHING_TO_TAKE_OUT):
            steps.append(step)
    return steps


def plan_again(
    done: Mapping[str, tuple[str, bool, Sequence[str], str | None]],
    keyword: str,
    protected: Sequence[str],
    back: Collection[str],
) -> list[KeywordStep]:
    """The steps of a keyword change done again (its redo): for each sidecar of ``done``
    (sidecar -> its photo, whether the photo was a member, the keywords taken out, the photo's
    content) of ``back`` (put back by its undo, beside the same photo), the same change,
    checked as a plan checks it."""
    guarded = FolderSet(protected)
    steps = []
    for sidecar, (photo, member, takes_out, _) in done.items():
        if sidecar not in back:
            continue
        step = KeywordStep(sidecar, companion_of=photo, member=member)
        step.skip = unwritable(photo, sidecar, guarded) or _why_not(step, keyword, list(takes_out))
        steps.append(step)
    return steps


_NOTHING_TO_TAKE_OUT = "its sidecar has no keyword of the album to take out"
_ALREADY = "its sidecar has the keyword already"


def left_alone(steps: Sequence[KeywordStep]) -> int:
    """How many of the steps were skipped for a reason (protected, a link, read-only, not XMP),
    not because their sidecar needs nothing."""
    return sum(1 for s in steps if s.skip is not None and s.skip not in (_ALREADY, _NOTHING_TO_TAKE_OUT))


def _why_not(step: KeywordStep, keyword: str, drop: Sequence[str]) -> str | None:
    try:
        data = read_sidecar(step.source)
        have = keywords(data) if data is not None else []
        step.adds = step.member and not any(same_keyword(keyword, h) for h in have)
        step.takes_out = tuple(w for w in drop if any(same_keyword(w, h) for h in have))
        if not step.adds and not step.takes_out:
            return "its sidecar has the keyword already" if step.member else _NOTHING_TO_TAKE_OUT
        after = add_keywords(data, [keyword] if step.member else [], drop)  # can it be changed safely?
        # Only a sidecar photoorg made and nothing else wrote is left so (a review: such empty
        # files stayed beside the photos after the keyword was taken out).
        step.empties = after == _empty_sidecar()
    except NotXmp as exc:
        return f"its sidecar {os.path.basename(step.source)} is {exc}; left as it is"
    except OSError as exc:
        return f"its sidecar cannot be read ({exc.strerror or exc})"
    return None


def write_keywords(
    catalog: Catalog,
    steps: Sequence[KeywordStep],
    keyword: str,
    summary: str,
    on_step: Callable[[], None] | None = None,
    album_id: int | None = None,
    began: Callable[[int], None] | None = None,
    forget: Callable[[int], None] | None = None,
) -> Outcome:
    """Write ``keyword`` (the name of the album ``album_id``) into the planned sidecars of its
    photos and take out what each step ``takes_out``, under the library lock, journaled file
    by file; one undoable action (none when nothing was written)."""

    def edit(step: Step, before: bytes | None) -> bytes | None:
        assert isinstance(step, KeywordStep)
        after = add_keywords(before, [keyword] if step.member else [], step.takes_out)
        if after is None:
            step.skip = _ALREADY if step.member else _NOTHING_TO_TAKE_OUT
        step.empties = before is not None and after == _empty_sidecar()
        return after

    def journaled(entry: int, step: Step, before: bytes | None) -> None:
        had = keywords(before) if before is not None else []
        member = isinstance(step, KeywordStep) and step.member
        if member and album_id is not None and not any(same_keyword(keyword, h) for h in had):
            catalog.add_keyword_write(entry, album_id, keyword)  # photoorg's: a later rename takes it out

    return write_sidecars(
        catalog, steps, KEYWORDS, summary, edit, "the keyword", on_step, journaled, began=began, forget=forget
    )


def where_now(catalog: Catalog, entry: JournalEntry) -> str:
    """Where the sidecar is now, following photoorg's own later moves of it (it went with its
    photo: found by a review, undo then said another program had moved it)."""
    return carried(catalog, entry)[0]


def carried(catalog: Catalog, entry: JournalEntry) -> tuple[str, list[JournalEntry]]:
    """:func:`where_now`, and the later moves, still in force, that took the sidecar there, in
    order (none when it is where the keyword step found it, or undos brought it back there)."""
    path, after, carriers = entry.source, entry.batch, []
    for _ in range(1000):
        moved = catalog.later_move_of(path, after)
        if moved is None or not moved.target:
            break
        if moved.state == "undone":  # back, perhaps under another name (its old one was taken)
            path, after = moved.undo_target or path, moved.batch  # (never a carrier: not in force)
            continue
        if moved.action == "trash":
            raise ChangedSinceError(
                f"{os.path.basename(path)} went to the trash with its photo (action {moved.batch}); "
                f"undo that action first, then this one"
            )
        path, after = moved.target, moved.batch
        carriers.append(moved)
    return path, carriers
