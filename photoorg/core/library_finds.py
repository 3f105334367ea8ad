"""What the library finds in its photos (a mixin of :class:`photoorg.core.library.Library`):
its timeline, its groups, its duplicate sets (and the decisions about them), the photos most
like one, and the files it could not read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from photoorg.core.catalog import PhotoInfo
from photoorg.core.duplicates import DuplicateSet, Verdict, find_duplicates
from photoorg.core.errors import ModelUnavailable, PhotoorgError
from photoorg.core.grouping import REPRESENTATIVES, UNSORTED, Group, describe_all, group_photos
from photoorg.core.library_part import LibraryPart
from photoorg.core.pairs import dated_by_their_video, live_photos
from photoorg.core.paths import from_library_folder, under_test
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.similarity import find_similar
from photoorg.core.timeline import Timeline, timeline_of, undated

if TYPE_CHECKING:
    from photoorg.core.pipeline import Failure

STAGE_GROUPING = "Grouping similar photos"
STAGE_DUPLICATES = "Looking for duplicates"
MISSING = (
    "folder not found, or empty where photos were (a disconnected drive?); its photos stay in "
    "the catalog until it is back"
)


class Finds(LibraryPart):
    """The timeline, groups, duplicate sets, similar photos and problems."""

    unlisted: list[Failure]  # see Scans.scan

    def timeline(self, find: str = "", only_undated: bool = False) -> Timeline:
        """Every photo of the library by the date it was taken, newest first (the app's All
        photos; no scan: what the last one found). ``find``: only those whose name or folder,
        read from the library folder that holds it, has this text (the app's Ctrl+F).
        ``only_undated``: only the photos without a date taken (by their file's date)."""
        roots, _ = self.library_roots()
        photos = self.catalog.photos(under=roots) if roots else []
        live = live_photos(photos)  # each video shown with its still, which it finds and dates
        by_video = dated_by_their_video(photos, live) if live else {}
        photos = [by_video.get(p.path, p) for p in photos] if by_video else photos
        text = find.strip().lower()
        if text:
            named = from_library_folder(roots)
            found = {p.path for p in photos if text in named(p.path).lower()}
            found |= {still for still, video in live.items() if video.path in found}  # (found by its name)
            photos = [p for p in photos if p.path in found]
        if only_undated:
            photos = [p for p in photos if undated(p)]
        return timeline_of(photos, live)

    def problems(
        self, roots: Sequence[str] | None = None, missing: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        """(path, why) of each file of the library the scans could not read, and of each
        library folder that is not there (default: of the library's folders as they are now)."""
        if roots is None:
            roots, missing = self.library_roots()
        failures = [(f, MISSING) for f in missing]
        if not roots:
            return failures
        failures += self.catalog.failures(under=list(roots))
        inside, listed = under_test(roots), {path for path, _ in failures}
        unlisted = [(f.path, f.reason) for f in self.unlisted if inside(f.path) and f.path not in listed]
        return failures + unlisted

    def groups(self, only: Sequence[str] | None = None, progress: Progress = NULL_PROGRESS) -> list[Group]:
        """The library's groups (stored, so ids and names persist), optionally only their
        photos under the folders ``only``.

        Raises:
            ModelUnavailable: there are no vectors to group (the model is missing).
        """
        model_id, problem = self.model(progress)
        if model_id is None:
            raise problem or ModelUnavailable("Grouping needs the model, and none is available.")
        roots, missing = self.library_roots()
        progress.start_stage(STAGE_GROUPING, 0)
        groups = group_photos(
            self.catalog,
            model_id,
            roots,
            settings=self.settings.group_settings(),
            progress=progress,
            store=self.stores_groups,
            away=missing,
        )
        if only:
            inside = under_test(os.path.abspath(f) for f in only)
            kept = []
            for g in groups:
                g.photos = [p for p in g.photos if inside(p.path)]
                # The most typical of those photos (a review: none was shown when the group's
                # four most typical were all elsewhere).
                g.representatives = g.photos[:REPRESENTATIVES]
                if g.photos or g.id == UNSORTED:
                    kept.append(g)
            groups = describe_all(kept)
        return groups

    def duplicates(
        self,
        only: Sequence[str] | None = None,
        verdicts: Sequence[Verdict] = tuple(Verdict),
        progress: Progress = NULL_PROGRESS,
        decided: bool = False,
    ) -> list[DuplicateSet]:
        """Duplicate sets among the photos under ``only`` (default: the library); ``decided``:
        also those a decision hides (to change or forget it). Without a model only exact
        copies are found (see :meth:`model` for why)."""
        model_id, _ = self.model(progress)
        roots = [os.path.abspath(f) for f in only] if only else self.library_roots()[0]
        s = self.settings
        progress.start_stage(STAGE_DUPLICATES, 0)
        return find_duplicates(
            self.catalog,
            model_id,
            roots,
            settings=s.duplicate_settings(),
            policy=s.keeper_policy(),
            verdicts=verdicts if model_id is not None else [v for v in verdicts if v is Verdict.EXACT],
            progress=progress,
            decided=decided,
        )

    def copies_elsewhere(self, only: Sequence[str]) -> int:
        """How many photos under the folders ``only`` have an exact copy in the library outside
        them: sets :meth:`duplicates` of those folders does not show (a review: 'duplicates DIR'
        said "No duplicates found." of a folder whose photo the library had elsewhere)."""
        roots, _ = self.library_roots()
        given = [os.path.abspath(f) for f in only]
        inside = under_test(given)
        photos = self.catalog.photos(under=[*roots, *given])  # (also a folder looked at, outside)
        outside = {p.fingerprint for p in photos if not inside(p.path)}
        return sum(1 for p in photos if inside(p.path) and p.fingerprint in outside)

    def mark(self, duplicate_set: DuplicateSet, decision: str | None) -> int | None:
        """Remember "not duplicates" / "keep both" (None: forget) for a set, by content, as an
        undoable action; returns its number (None: there was nothing to forget)."""
        from photoorg.core.set_choices import mark

        with self.writing() as catalog:
            return mark(catalog, duplicate_set, decision)

    def similar(
        self, path: str, k: int = 10, within: Sequence[str] | None = None, progress: Progress = NULL_PROGRESS
    ) -> list[tuple[PhotoInfo, float]]:
        """The ``k`` photos of the library (or under ``within``) most like the one at ``path`` (a
        photo outside the library is read first, without adding its folder), most similar first."""
        path = os.path.abspath(path)
        model_id, problem = self.model(progress)
        if self.catalog.file_row(path) is None and os.path.isfile(path):
            summary = self.scan([path], progress)
            failure = next((f.reason for f in summary.failures if f.path == path), None)
            if failure:
                raise PhotoorgError(f"{path} cannot be read: {failure}")
            model_id, problem = self.model(progress)  # known now: the scan found it
        if model_id is None:
            raise problem or ModelUnavailable("Finding similar photos needs the model.")
        # Among the library's photos (as the app looks), not every photo the catalog has read (a
        # card's, looked at for an import; a review); or under ``within``.
        roots = [os.path.abspath(f) for f in within] if within else self.library_roots()[0]
        try:
            return find_similar(self.catalog, model_id, path, k, roots=roots)
        except KeyError:
            raise PhotoorgError(
                f"{os.path.basename(path)} has not been embedded yet; wait for the scan to finish."
            ) from None
