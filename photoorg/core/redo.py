"""Redo: the action undone last, done again, as a new action of its own (journaled and
undoable like any other), planned afresh so that every check of a first run holds again:
protected folders, links, changed content, the copy that must stay, the space on the disk.

File actions (trash, move, copy), decisions about duplicate sets and changes to the groups
and albums are redone, and only while nothing was done since their undo: what a later action
changed is not the library the undone action was planned for. A change to the groups or albums
moved no file: its redo puts it in force again, as the same action (with the album's later
changes its undo took back). A date taken set in sidecars, and an album's keywords written
into them, are written again as a new action by the library
(:meth:`photoorg.core.date_edits.DateEdits.redo_dates`,
:meth:`photoorg.core.curation.Curation.redo_keywords`), planned afresh.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Sequence

from photoorg.core import actions
from photoorg.core.actions import (
    ALBUM_CHANGE,
    DECISION,
    GROUP_CHANGE,
    SIDECAR_ACTIONS,
    Action,
    Outcome,
    Step,
)
from photoorg.core.catalog import BatchInfo, Catalog, JournalEntry
from photoorg.core.companions import SIDECAR_EXTENSIONS
from photoorg.core.destinations import place_refusal
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import remove_if_empty
from photoorg.core.group_edits import refuse_two_groups_of_one_name
from photoorg.core.humanize import plural
from photoorg.core.paths import Locations, is_under
from photoorg.core.redo_words import SET_CLEANUP, redo_summary, what_is_redone
from photoorg.core.sidecar_redo import sidecar_refusal
from photoorg.core.undo_places import folder_not_there, only_the_photos_undone, the_videos_undone
from photoorg.core.undo_words import nothing_to_redo
from photoorg.core.videos import is_video_name


class NothingToRedo(PhotoorgError):  # noqa: N818 - a state, like NothingToUndo
    """No action was undone, or something was done since the last undo."""


def redoable(catalog: Catalog) -> BatchInfo | None:
    """The action Redo would do again, if it can be redone."""
    info = _last_undone(catalog)
    if info is None or refusal(catalog, info) is not None or _stopped_undo(catalog):
        return None
    return info


def _last_undone(catalog: Catalog) -> BatchInfo | None:
    """The action undone last, if nothing was done since; of changes to the albums one undo took
    back together (an album and the answers given to it since), the first: the one undone."""
    info = catalog.last_undone_batch()
    if info is not None and info.action in _IN_THE_CATALOG:
        first = catalog.undone_together(info.id)[0]
        info = catalog.batch_info(first) if first != info.id else info
    return info


def redo_refused(catalog: Catalog) -> str | None:
    """Why the action undone last cannot be redone (a sentence), or None: it can, or nothing
    was undone. Edit > Redo shows it (a review: greyed out without a word)."""
    info = _last_undone(catalog)
    return _stopped_undo(catalog) or (None if info is None else refusal(catalog, info))


def _stopped_undo(catalog: Catalog) -> str | None:
    """Why nothing is redone while an undo stopped halfway (a hostile review: redo did again the
    action undone before it, not the one whose undo had stopped)."""
    batch = catalog.stopped_undo()
    info = None if batch is None else catalog.batch_info(batch)
    if info is None:
        return None
    return (
        f"The undo of action {info.id} ({info.summary}) stopped before it finished. Undo finishes it "
        "('photoorg undo', or Edit > Undo); then Redo can do it again."
    )


def refusal(catalog: Catalog, info: BatchInfo) -> str | None:
    """Why the undone action ``info`` cannot be redone, or None. Remembered for the action as it
    stands: the menu asks before every answer of the engine, and reading the journal of an
    undone organize of 20,000 photos took 409 ms (/tmp-made catalog)."""
    key = (str(catalog.path), info.id, info.undone, info.undone_files, info.not_undone, info.files,
           catalog.groups_saved(), catalog.files_version())  # fmt: skip
    if not _REFUSED or _REFUSED[0][0] != key:
        _REFUSED[:] = [(key, _refusal(catalog, info))]
    return _REFUSED[0][1]


_REFUSED: list[tuple[tuple[object, ...], str | None]] = []  # the last action asked about, and why


def places_refused(catalog: Catalog, protected: Sequence[str], home: Locations | None) -> str | None:
    """:func:`place_refusal` of the action Redo would do, for Edit > Redo and 'photoorg redo'
    to say before it is tried (a second hostile review: offered, then refused); remembered as
    :func:`refusal` is (the journal of a large organize takes a while to read)."""
    info = _last_undone(catalog)
    if info is None or info.action not in (Action.MOVE.value, Action.COPY.value):
        return None
    key = (str(catalog.path), info.id, info.undone, catalog.files_version(), tuple(protected))
    if not _PLACES or _PLACES[0][0] != key:
        entries = catalog.journal_entries(info.id, ("undone",))
        folders = sorted({os.path.dirname(e.target) for e in entries if e.file_row is not None and e.target})
        _PLACES[:] = [(key, place_refusal(info, folders, protected, home))]
    return _PLACES[0][1]


_PLACES: list[tuple[tuple[object, ...], str | None]] = []


def _refusal(catalog: Catalog, info: BatchInfo) -> str | None:
    if info.action == GROUP_CHANGE and info.undone is not None and catalog.groups_saved() > info.undone:
        # (a hostile review: a group's id had gone to another group, which the redo renamed)
        return (
            f"The groups were made anew since action {info.id} ({info.summary}) was undone (photos "
            "came or went), so its groups may not be those it changed; do it again by hand."
        )
    if info.action == DECISION or info.action in _IN_THE_CATALOG:
        return None
    if info.action in SIDECAR_ACTIONS:  # done again by the library (redo_dates, redo_keywords)
        why = sidecar_refusal(catalog, info)
        if why is None and not catalog.journal_entries(info.id, ("undone",)):  # (a hostile review:
            # "set again" what an undo had not taken back, over a later action's date)
            return _nothing_back(info)
        return why
    if info.action not in _REDOABLE:  # (a kind of action a later photoorg made)
        return f"Action {info.id} ({info.summary}) cannot be redone by this photoorg."
    if SET_CLEANUP.match(what_is_redone(info.summary)):  # (a hostile review: it trashed the last copies)
        return (
            f"Action {info.id} ({info.summary}) trashed duplicates keeping one photo of each set; "
            "a redo cannot tell that the photos it kept are still there. Clean up again from the "
            "duplicate sets ('photoorg duplicates --trash', or Duplicates in the app)."
        )
    action = Action(info.action)
    entries = catalog.journal_entries(info.id, ("undone",))
    if not entries:  # (a hostile review: Redo offered, then "Nothing ... can be done again: .")
        return _nothing_back(info)
    renamed = [
        e for e in entries if e.file_row is not None and e.target and _name(e.target) != _name(e.source)
    ]
    if action is not Action.TRASH and renamed:  # a redo plans plain names (a hostile review)
        was, now = os.path.basename(renamed[0].source), os.path.basename(renamed[0].target or "")
        return (
            f"Action {info.id} ({info.summary}) gave photos new names ({was} became {now}); do it "
            f"again as you did it first ('photoorg {action.value}', or Organize, which shows the "
            "plan) rather than redo it."
        )
    if not all(_found_again(action, e) for e in entries if e.file_row is None):
        return (
            f"Action {info.id} ({info.summary}) moved RAWs, videos or renamed sidecars along with the "
            f"photos; do it again as you did it first ('photoorg {action.value}', or Organize, which "
            "shows the plan) rather than redo it."
        )
    return None


_REDOABLE = {*(a.value for a in Action), DECISION}
_IN_THE_CATALOG = {GROUP_CHANGE, ALBUM_CHANGE}  # changes that moved no file


def _nothing_back(info: BatchInfo) -> str:
    return f"The undo of action {info.id} ({info.summary}) put nothing back: there is nothing to do again."


def said_again(outcome: Outcome, batch: int, did: str, noun: str, steps: Sequence[Step]) -> None:
    """The note of a change to sidecars made again (``did``, with how many ``noun``s when
    given, and the ``steps`` left alone and why); when nothing was written, NothingToRedo with
    the reasons (a hostile review: "again (0 photos)", exit 0, "'photoorg undo' takes it back").
    Failures are the outcome's to say (the app and the command line say them)."""
    left = sorted({s.skip for s in steps if s.skip is not None})
    if outcome.batch is None:
        reasons = left + sorted({why for _, why in outcome.failed})
        raise NothingToRedo(f"Nothing of action {batch} was done again: {'; '.join(reasons) or 'no change'}.")
    note = f"{did} ({plural(len(outcome.done), noun)})" if noun else did
    skipped = [s for s in steps if s.skip is not None]
    if skipped:
        they = "it is" if len(skipped) == 1 else "they are"
        note += f"; {len(skipped)} left as {they} ({'; '.join(left)})"
    outcome.note = note


def summary_to_redo(catalog: Catalog, batch: int) -> str:
    """The name of action ``batch``'s redo, if it still is the action Redo would do (asked
    under the library lock by the library's redo of a change to sidecars)."""
    info = redoable(catalog)
    if info is None or info.id != batch:
        raise NothingToRedo(
            f"Action {batch} cannot be done again now: another action was done or undone since."
        )
    return redo_summary(info)


def _name(path: str) -> str:
    """A file's name without the " (2)" a taken name gets (a redo numbers it again if need be)."""
    stem, ext = os.path.splitext(os.path.basename(path))
    return _NUMBERED.sub("", stem) + ext


_NUMBERED = re.compile(r" \(\d+\)$")


def _found_again(action: Action, entry: JournalEntry) -> bool:
    """Whether a file that went with a photo is one a new plan takes along again, by the same
    name: a sidecar, a Live Photo's video that a trash took with its still (organize also
    carries RAWs and videos, and renames them with the photo)."""
    if action is Action.TRASH and is_video_name(entry.source):
        return True
    if os.path.splitext(entry.source)[1].lower() not in SIDECAR_EXTENSIONS:
        return False
    return action is Action.TRASH or os.path.basename(entry.target or "") == os.path.basename(entry.source)


def redo(
    catalog: Catalog,
    protected: Sequence[str] | Callable[[], Sequence[str]],
    library: Sequence[str],
    on_step: Callable[[], None] | None = None,
    missing: Sequence[str] = (),
    home: Locations | None = None,
) -> Outcome:
    """Do the action undone last again, with the files its undo put back. ``home``:
    photoorg's own folders, which nothing goes into (as a first run refuses).

    Raises:
        NothingToRedo: nothing was undone, something was done since, or the undone action
            was a change to the groups, albums or keywords.
        PhotoorgError: as a first run of the action would (every copy to the trash, no space).
    """
    with actions.exclusive(catalog):
        stopped = _stopped_undo(catalog)
        if stopped is not None:
            raise NothingToRedo(stopped)
        info = _last_undone(catalog)
        if info is None:
            raise NothingToRedo(nothing_to_redo(catalog))
        if info.action in _IN_THE_CATALOG:  # (a review: one Ctrl+Z too many lost album answers)
            together = catalog.undone_together(info.id)
            if info.action == GROUP_CHANGE:
                refuse_two_groups_of_one_name(catalog, info.id, info.summary, back=False)
            catalog.mark_batches_done(together)
            if info.action == GROUP_CHANGE:
                catalog.redo_renames(info.id)
            what = "the groups" if info.action == GROUP_CHANGE else "the albums"
            later = len(together) - 1
            also = f" (and the {plural(later, 'later change')} to it)" if later else ""
            return Outcome(info.id, None, note=f"did the change to {what} again ({info.summary}){also}")
        if info.action == DECISION:  # no file moves: the same decisions, as a new action
            again = catalog.redo_decisions(info.id, redo_summary(info))
            note = f"made the decision about a duplicate set again ({info.summary})"
            return Outcome(again, None, note=note)
        why_not = refusal(catalog, info)
        if why_not is not None:
            raise NothingToRedo(why_not)
        if info.action in SIDECAR_ACTIONS:  # (the library's redo does it: the catalog follows)
            raise NothingToRedo(f"Action {info.id} ({info.summary}) is done again by the library's redo.")
        action = Action(info.action)
        guard, protected = protected, protected() if callable(protected) else protected  # (as planned;
        # the action asks again before each file, as a first run does)
        entries = sorted(catalog.journal_entries(info.id, ("undone",)), key=lambda e: e.id)
        # The Live Photo videos a trash took along, where the undo put them: those again, alone
        videos = {
            e.undo_target or e.source: e for e in entries if e.file_row is None and is_video_name(e.source)
        }
        entries = [e for e in entries if e.file_row is not None]  # the plan finds their sidecars
        # Each photo from where its undo put it (a name taken meanwhile numbers it: found by a
        # review, a redo from the old name moved the stranger that had taken it).
        # (A copy's undo_target is where the copy went to the trash; its original never moved.)
        moved_back = action is not Action.COPY
        where = {e.source: (e.undo_target if moved_back else None) or e.source for e in entries}
        sources = [where[e.source] for e in entries]
        steps: list[Step] = []
        if action is Action.TRASH:
            steps = actions.plan(catalog, action, sources, None, protected, library, live=bool(videos))
        else:  # each photo back to the folder it went to (an organize spreads them over many)
            by_folder: dict[str, list[str]] = defaultdict(list)
            for e in entries:
                by_folder[os.path.dirname(e.target or "")].append(where[e.source])
            made = set(catalog.made_folders(info.id))
            for folder, paths in by_folder.items():
                if not folder:
                    continue
                # Not onto the disk under a drive's mount point (as undo, by the same rule: a
                # folder the action did not make, or a library folder, that is not there).
                gone = folder_not_there(os.path.join(folder, "-"), library, missing, made)
                if gone is not None:
                    raise NothingToRedo(f"Action {info.id} cannot be done again now: {gone}.")
                why_not = place_refusal(info, [folder], protected, home)
                if why_not is not None:
                    raise NothingToRedo(why_not)
                steps += actions.plan(catalog, action, paths, folder, protected, library)
        only_the_photos_undone(catalog, steps, {where[e.source]: e for e in entries})
        steps = the_videos_undone(steps, videos) if videos else steps
        todo = sum(1 for s in steps if s.skip is None)
        if not todo:
            reasons = sorted({s.skip or "" for s in steps})
            raise NothingToRedo(f"Nothing of action {info.id} can be done again: {'; '.join(reasons)}.")
        summary = redo_summary(info, sum(1 for s in steps if s.skip is None and s.companion_of is None))
        outcome = actions.execute(catalog, action, steps, summary, on_step=on_step, protected=guard)
        kept = [*library, *protected]  # as they are now
        outcome.pruned = _prune_again(catalog, info.id, outcome.batch, kept)
        return outcome


def _prune_again(catalog: Catalog, undone: int, batch: int | None, kept: Sequence[str]) -> list[str]:
    """The folders the undone action removed once its move left them empty (organize's
    --prune-empty), removed again where the redo left them empty, journaled with the redo so
    that its undo makes them again (a new-user review: a redo left them behind). Never a
    library folder or a protected one as they are now, nor a folder that holds one (a hostile
    review: a folder pruned inside the library had become a library folder since, and the redo
    removed it: its photos then stood outside the library, and the undo refused)."""
    pruned = catalog.pruned_folders(undone)
    if batch is None or not pruned:
        return []
    modes = {}
    for folder, _ in pruned:
        if any(is_under(k, [folder]) for k in kept):
            continue
        try:
            modes[folder] = stat.S_IMODE(os.stat(folder).st_mode)
        except OSError:  # gone already
            continue
    catalog.add_pruned_folders(batch, list(modes.items()))  # journaled before they go, as organize
    removed = remove_if_empty(modes)
    catalog.forget_pruned_folders(batch, [f for f in modes if f not in removed])
    return removed
