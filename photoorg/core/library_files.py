"""File actions for the library service: trash, move and copy photos, organize them into
folders (undo, redo and the history: :mod:`photoorg.core.library_history`). Each holds the
library lock and is one journaled action (:mod:`photoorg.core.actions`).

A part of :class:`photoorg.core.library.Library` (a mixin, as :mod:`photoorg.core.curation`
is, so the service stays one class for the app and the command line while no module grows past
the style's ~400 lines).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from photoorg.core import actions
from photoorg.core.action_plans import NO_LONGER_THERE
from photoorg.core.actions import Action, Outcome, Step
from photoorg.core.catalog import Catalog
from photoorg.core.companions import FolderListing
from photoorg.core.destinations import (
    refuse_blocked_folders,
    refuse_missing_destination,
    refuse_outdated_plan,
    refuse_protected_destination,
    refuse_protected_plan,
    refuse_unsafe_destination,
    refuse_unsafe_plan,
)
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import remove_if_empty
from photoorg.core.grouping import Group
from photoorg.core.humanize import agree, plural
from photoorg.core.library_part import LibraryPart
from photoorg.core.organize import OrganizePlan, OrganizeRequest, plan_organize
from photoorg.core.organize_places import check_space
from photoorg.core.pairs import is_live_video_name, live_photos, of_its_name, stills_of
from photoorg.core.paths import as_in_library, is_under, under_test
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.redo_words import kept_names, set_cleanup_summary

if TYPE_CHECKING:
    pass

_ACTING = {Action.TRASH: "Moving to the trash", Action.MOVE: "Moving photos", Action.COPY: "Copying photos"}


class FileActions(LibraryPart):
    """Trash, move, copy, organize, undo, redo, history; needs the library's catalog, lock,
    roots, settings, scan and groups."""

    def plan(self, action: Action, paths: Sequence[str], destination: str | None = None) -> list[Step]:
        """What an action would do (nothing is touched): ``--dry-run``."""
        roots, _ = self.library_roots()
        if destination and action is not Action.TRASH:  # as act() refuses (a hostile review:
            refuse_unsafe_destination(destination, self.where)  # the dry run said it would)
            refuse_protected_destination([destination], self.settings.protected)
        steps = actions.plan(
            self.catalog, action, paths, destination, self.settings.protected, roots, live=True
        )
        self._say_live_split(self.catalog, steps, action)
        return steps

    def act(
        self,
        action: Action,
        paths: Sequence[str],
        destination: str | None = None,
        *,
        members: Sequence[str] | None = None,
        summary: str | None = None,
        progress: Progress = NULL_PROGRESS,
    ) -> Outcome:
        """Trash, move or copy photos, journaled and undoable, under the library lock. A trash
        takes each photo's Live Photo video along (the app shows them as one photo).

        ``members``: the paths are the unchecked photos of this duplicate set, which always
        keeps one. Protected folders are read from the saved settings at this moment.
        """
        with self.writing(progress) as catalog:
            protected, (roots, missing) = self.settings.protected, self.library_roots()
            if destination and action is not Action.TRASH:
                refuse_unsafe_destination(destination, self.where)
                refuse_missing_destination(destination, missing)
                refuse_protected_destination([destination], protected)
            if members is not None:
                steps = actions.plan_set_cleanup(catalog, [(members, paths)], protected, roots)
            else:
                steps = actions.plan(catalog, action, paths, destination, protected, roots, live=True)
            if members is None:
                self._say_live_split(catalog, steps, action)
            todo = sum(1 for s in steps if s.skip is None)
            files = [s.source for s in steps if s.skip is None and s.companion_of is None]
            noun = "file" if files and all(catalog.file_row(p) is None for p in files) else "photo"
            progress.start_stage(_ACTING[action], todo)
            words = summary or f"{action.value} {plural(len(files), noun)}"
            if not summary and destination and action is not Action.TRASH:  # (a review: History
                # read "move 1 photo" three times, and only a click told them apart)
                words += f" to {os.path.basename(os.path.normpath(destination)) or destination}"
            if members is not None:
                words = set_cleanup_summary(len(files), 1, kept_names([(members, paths)], files))
            watch = self.protected_watch()  # a folder protected meanwhile keeps its photos
            outcome = actions.execute(
                catalog, action, steps, words, on_step=lambda: progress.advance(1), protected=watch
            )
            outcome.noun = noun
            self._forget_gone(catalog, outcome, roots)
        if action is Action.MOVE and destination and roots:
            inside = under_test(roots)
            left = [
                s
                for s in outcome.done
                if s.companion_of is None and inside(s.source) and not inside(s.target or "")
            ]
            if left:  # organize's plan says so; a move said nothing, and the photos vanished
                self.notes.append(
                    f"{plural(len(left), 'photo')} left the library: {destination} is not one of its "
                    "folders (add it to the library to see them again)"
                )
        return outcome

    def _say_live_split(self, catalog: Catalog, steps: Sequence[Step], action: Action) -> None:
        """Said when a Live Photo's video goes without its photo (a new-user review: 'move
        IMG_1.MOV' said "1 photo", and IMG_1.jpg was shown without its video from then on)."""
        going = {s.source for s in steps if s.skip is None}
        listing = FolderListing()
        for video in (s.source for s in steps if s.skip is None and s.companion_of is None):
            if not is_live_video_name(video):
                continue
            stills = stills_of(of_its_name(listing, video))
            staying = [p for p in stills if p not in going and catalog.file_row(p) is not None]
            if staying:
                gone = "is trashed" if action is Action.TRASH else "goes"
                self.notes.append(
                    f"{os.path.basename(video)} is the video of the Live Photo "
                    f"{os.path.basename(staying[0])}: it {gone} on its own, and the photo stays, shown "
                    "without it"
                )

    def plan_trash_from_sets(
        self, plan: Sequence[tuple[Sequence[str], Sequence[str]]], looked_at: Sequence[str] = ()
    ) -> list[Step]:
        """What :meth:`trash_from_sets` would do (nothing is touched): ``--dry-run``."""
        roots, _ = self.library_roots()
        return actions.plan_set_cleanup(self.catalog, plan, self.settings.protected, roots, looked_at)

    def trash_from_sets(
        self,
        plan: Sequence[tuple[Sequence[str], Sequence[str]]],
        progress: Progress = NULL_PROGRESS,
        shown: Collection[str] | None = None,
        looked_at: Sequence[str] = (),
    ) -> Outcome:
        """Trash the unchecked photos of several duplicate sets as one undoable action.

        ``plan`` holds (every member of a set, the members to trash); each set keeps one.
        ``shown``: the files the person was shown would go (photos and the files with them);
        if the plan made again under the lock differs, nothing is done. ``looked_at``: folders
        outside the library whose sets these are ('duplicates DIR'), where the copy kept counts.
        """
        with self.writing(progress) as catalog:
            protected, (roots, _) = self.settings.protected, self.library_roots()
            steps = actions.plan_set_cleanup(catalog, plan, protected, roots, looked_at)
            going = {s.source for s in steps if s.skip is None}
            if shown is not None and going != set(shown):  # (a hostile review: a sidecar made
                raise PhotoorgError(  # while the question waited went to the trash unlisted)
                    f"The files changed since the plan was shown ({plural(len(going ^ set(shown)), 'file')} "
                    "more or fewer would go). Nothing was trashed; look at the plan again."
                )
            photos = sum(1 for s in steps if s.skip is None and s.companion_of is None)
            sets = sum(1 for _, remove in plan if going & set(remove))
            progress.start_stage(_ACTING[Action.TRASH], len(going))
            outcome = actions.execute(
                catalog,
                Action.TRASH,
                steps,
                set_cleanup_summary(photos, sets, kept_names(plan, going)),
                on_step=lambda: progress.advance(1),
                protected=self.protected_watch(),
            )
            self._forget_gone(catalog, outcome, roots)
            return outcome

    def _forget_gone(self, catalog: Catalog, outcome: Outcome, roots: Sequence[str]) -> None:
        """Photos the action found gone (deleted or moved outside photoorg since the scan) leave
        the catalog, as the next scan would have them: found by a review, such a photo stayed
        in the app, "skipped (no longer there)" at every try, until a rescan. Not when its
        folder is gone too (a drive unplugged: its photos wait for it), nor outside the
        library's folders that are there."""
        inside = under_test(roots)
        gone = [
            s.source
            for s in outcome.skipped
            if s.companion_of is None
            and s.skip == NO_LONGER_THERE
            and inside(s.source)
            and os.path.isdir(os.path.dirname(s.source))
            and not os.path.lexists(s.source)
        ]
        if gone:
            catalog.remove_paths(gone)
            n = len(gone)
            self.notes.append(
                f"{plural(n, 'photo')} {agree(n, 'was', 'were')} no longer there (deleted or moved outside "
                f"photoorg) and left the library; a scan finds {agree(n, 'it', 'them')} again if moved "
                "within it"
            )

    # -- organizing -----------------------------------------------------------------------------
    def organize_plan(
        self,
        request: OrganizeRequest,
        sources: Sequence[str] | None = None,
        *,
        paths: Sequence[str] | None = None,
        group_ids: Sequence[int] | None = None,
        progress: Progress = NULL_PROGRESS,
    ) -> OrganizePlan:
        """Plan an organize (nothing is touched): the photos under ``sources`` (default: the
        library), or these ``paths``, or the photos of these groups.

        A source folder outside the library is an import (a memory card): its photos are
        catalogued (not embedded, not added to the library) and those the library already has
        (same content) are left out.
        """
        roots, missing = self.library_roots()
        folders = [as_in_library(f, roots) for f in sources] if sources else roots
        request = replace(request, destination=as_in_library(request.destination, roots))
        refuse_unsafe_destination(request.destination, self.where)
        refuse_missing_destination(request.destination, missing)
        outside = [f for f in folders if not is_under(f, roots)]
        if outside:
            self.scan(outside, progress, embed=False)
        # Where the history stands before anything is read for the plan, and after the scan of
        # folders from outside, which may settle a stopped photoorg's steps (not the person's)
        made_at = self.catalog.files_history_mark()
        in_library = None
        if outside:
            in_library = {p.fingerprint: p.path for p in self.catalog.photos(under=roots)}
        photos = self.catalog.photos(under=folders)
        live = live_photos(photos)
        groups: list[Group] = []
        if request.by == "group" or "{group}" in request.template or group_ids:
            groups = self.groups(progress=progress)
        if group_ids is not None:
            chosen = set(group_ids)
            unknown = sorted(chosen - {g.id for g in groups})
            if unknown:  # a new-user review: an empty plan, as if the group had no photos
                raise PhotoorgError(
                    f"There is no group {unknown[0]}; 'photoorg groups' lists them with their ids."
                )
            photos = [p for g in groups if g.id in chosen for p in g.photos]
        if paths is not None:
            wanted = {as_in_library(p, roots, whole=False) for p in paths}
            photos = [p for p in photos if p.path in wanted]
        if paths is not None or group_ids is not None:  # the chosen Live Photos' videos with them:
            # dated, and travelling, as in a whole organize (a hostile review: undated/)
            chosen_paths = {p.path for p in photos}
            photos += [v for s, v in live.items() if s in chosen_paths and v.path not in chosen_paths]
        progress.start_stage("Planning", 0)
        planned = plan_organize(
            request,
            photos,
            groups=groups,
            protected=self.settings.protected,
            in_library=in_library,
            sources=folders,
        )
        planned.library, planned.made_at = roots, made_at
        refuse_blocked_folders(planned)
        refuse_unsafe_plan(planned, self.where)
        refuse_protected_plan(planned, self.settings.protected)
        return planned

    def organize(
        self, plan: OrganizePlan, folders: Sequence[str] | None = None, progress: Progress = NULL_PROGRESS
    ) -> tuple[Outcome, list[str]]:
        """Carry out a plan (only the photos going to ``folders`` when given: what the person
        left ticked) as one undoable action; then, if asked, remove the folders it left empty.
        Returns the outcome and the folders removed."""
        refuse_unsafe_plan(plan, self.where)
        refuse_protected_plan(plan, self.settings.protected)  # (protected since the plan?)
        steps = plan.steps(folders)
        too_big = check_space(plan, steps)
        if too_big:
            raise actions.NotEnoughSpace(too_big)
        request = plan.request
        verb = "copy" if request.copy else "organize"
        n = sum(1 for s in steps if s.companion_of is None)
        summary = f"{verb} {n} photo{'s' if n != 1 else ''} by {request.by} into {request.destination}"
        pruned: list[str] = []
        with self.writing(progress) as catalog:
            refuse_outdated_plan(plan, catalog)
            progress.start_stage("Copying photos" if request.copy else "Moving photos", len(steps))
            outcome = actions.execute(
                catalog,
                plan.action,
                steps,
                summary,
                on_step=lambda: progress.advance(1),
                protected=self.protected_watch(),
            )
            if request.prune_empty and not request.copy:
                emptied, _sources = plan.left_empty(folders)
                modes = {}
                for folder in emptied:
                    with contextlib.suppress(OSError):
                        modes[folder] = stat.S_IMODE(os.stat(folder).st_mode)
                # Journaled before they go, under the lock (a hostile review: a kill between
                # the removal and its record left folders the undo could not make again). The
                # undo makes again only those not there, so one left is passed over.
                batch = outcome.batch
                if batch is not None:
                    catalog.add_pruned_folders(batch, list(modes.items()))
                pruned = remove_if_empty(emptied)
                if batch is not None:  # those still there (a file was put in them) are forgotten
                    catalog.forget_pruned_folders(batch, [f for f in modes if f not in pruned])
        return outcome, pruned
