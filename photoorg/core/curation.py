"""What the person teaches the library, kept by content so it lasts through moves, rescans
and regroupings: group names, photos moved between groups, merged groups, and albums taught by
examples (:mod:`photoorg.core.albums`). Every change is one undoable action.

A part of :class:`photoorg.core.library.Library` (a mixin, so the service stays one class for
the app and the command line while no module grows past the style's ~400 lines).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from typing import Any

import numpy as np

from photoorg.core import redo as redoing
from photoorg.core import sidecar_redo
from photoorg.core.actions import KEYWORDS, Outcome
from photoorg.core.album_view import AlbumView, away_photos
from photoorg.core.albums import EXAMPLE, MEMBER, REJECTED, REMOVED, Album, album_name, same_name
from photoorg.core.albums import score as score_album
from photoorg.core.calibration import Calibration, calibrate
from photoorg.core.catalog import Catalog, PhotoInfo
from photoorg.core.errors import ModelUnavailable, PhotoorgError
from photoorg.core.group_edits import GroupEdits
from photoorg.core.humanize import plural, quoted
from photoorg.core.keyword_words import keywords_phrase
from photoorg.core.pairs import raw_jpegs
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.sidecar_names import sidecar_for
from photoorg.core.sidecars import (
    KeywordStep,
    plan_again,
    plan_keywords,
    write_keywords,
    written_by_photoorg,
)


class Curation(GroupEdits):
    """Group edits (:class:`~photoorg.core.group_edits.GroupEdits`) and albums; needs the
    library's catalog, lock, roots and model."""

    _vector_cache: tuple[Any, np.ndarray, list[str]] | None = None

    # -- albums ---------------------------------------------------------------------------------
    def albums(self) -> list[Album]:
        """Every album, oldest first, with its photos by content and their roles."""
        return [Album(aid, name, roles) for aid, name, roles in self.catalog.albums()]

    def album(self, name: str) -> Album:
        """The album of this name, however its letters were typed (case, composed accents)."""
        found = next((a for a in self.albums() if same_name(a.name, name)), None)
        if found is None:
            raise PhotoorgError(f"There is no album {name!r}; 'photoorg album list' lists them.")
        return found

    def create_album(self, name: str, paths: Sequence[str]) -> Album:
        """A new album taught by these example photos (one undoable change)."""
        name = album_name(name)
        there = next((a for a in self.albums() if same_name(a.name, name)), None)
        if there is not None:
            raise PhotoorgError(
                f"There is an album {there.name!r} already; add photos to it instead (right-click > "
                f"Add to the album in the app; 'photoorg album add {shlex.quote(there.name)} PHOTO...' "
                "in a terminal)."
            )
        fps = self._fingerprints(paths)
        with self.writing() as catalog:
            n = len(fps)
            album_id, batch = catalog.create_album(
                name, f"make the album {quoted(name)} from {n} photo{'s' if n != 1 else ''}"
            )
            catalog.change_album(album_id, fps, EXAMPLE, "", batch)
        return self.album(name)

    def rename_album(self, name: str, new_name: str) -> int:
        """Give the album another name (one undoable action; its photos and answers stay).
        Returns the action's number."""
        album = self.album(name)
        new_name = album_name(new_name)
        if new_name == album.name:
            raise PhotoorgError(f"The album is called {album.name!r} already; nothing was changed.")
        there = next((a for a in self.albums() if same_name(a.name, new_name) and a.id != album.id), None)
        if there is not None:
            raise PhotoorgError(f"There is an album {there.name!r} already; choose another name.")
        with self.writing() as catalog:
            summary = f"rename the album {quoted(album.name)} to {quoted(new_name)}"
            return catalog.name_album(album.id, new_name, summary)

    def delete_album(self, name: str) -> int:
        """Delete the album (one undoable action: undo brings it back with its photos and
        answers). The photos are not touched. Returns the action's number."""
        album = self.album(name)
        n = len(album.positives)
        summary = f"delete the album {quoted(album.name)} ({plural(n, 'photo')}; the photos are not touched)"
        with self.writing() as catalog:
            return catalog.name_album(album.id, None, summary)

    def teach(self, name: str, paths: Sequence[str], role: str) -> int | None:
        """Photos of an album: more examples, accepted suggestions (member), rejected ones, or
        taken out again (removed); one undoable change. Returns its action number, or None
        when it would change nothing (a review: accepting a photo of the album made an action)."""
        words = {EXAMPLE: "add", MEMBER: "accept", REJECTED: "reject", REMOVED: "take out"}
        if role not in words:
            raise ValueError(f"not an album role: {role}")
        album = self.album(name)
        fps = [fp for fp in self._fingerprints(paths) if not _holds(album.roles.get(fp), role)]
        if not fps:
            return None
        n = len(fps)
        preposition = "from" if role == REMOVED else "for"
        # One photo by its name, as the history lists it (a new-user review: "reject 1 photo for …")
        what = os.path.basename(paths[0]) if n == 1 and len(paths) == 1 else plural(n, "photo")
        summary = f"{words[role]} {what} {preposition} {quoted(album.name)}"
        with self.writing() as catalog:
            return catalog.change_album(album.id, fps, role, summary)

    def album_keywords(
        self,
        name: str,
        *,
        dry_run: bool = False,
        progress: Progress = NULL_PROGRESS,
        take_out: bool = False,
    ) -> tuple[list[KeywordStep], Outcome | None]:
        """Write the album's name as a keyword into the XMP sidecar of each of its photos (every
        copy of them), and take out what photoorg wrote earlier that no longer holds (an old
        name; the name from photos that left the album), as one undoable action; ``take_out``:
        take every name of the album that photoorg wrote out instead (before the album is
        deleted, say); ``dry_run``: only the plan, nothing written. Returns the plan and what
        was done."""
        if dry_run:
            return self._plan_keywords(self.album(name), take_out), None
        with self.writing(progress) as catalog:
            album = self.album(name)  # under the lock: a rename meanwhile is seen (a review)
            steps = self._plan_keywords(album, take_out)
            todo = [s for s in steps if s.skip is None]
            progress.start_stage("Writing keywords", len(todo))
            summary = keywords_phrase(album.name, todo, everywhere=take_out)
            return steps, self._write_keywords(catalog, album, steps, summary, take_out, progress)

    def _write_keywords(
        self,
        catalog: Catalog,
        album: Album,
        steps: Sequence[KeywordStep],
        summary: str,
        take_out: bool,
        progress: Progress,
    ) -> Outcome:
        """The planned keyword change, as one undoable action that keeps, for its redo, each
        sidecar it changes and how."""
        content_of = sidecar_redo.content_of
        kept = {
            "album": album.id,
            "keyword": album.name,
            "take_out": take_out,
            "steps": [  # with the photo's content: a redo changes its sidecar, no other's
                [
                    s.companion_of,
                    s.source,
                    s.member,
                    list(s.takes_out),
                    content_of(catalog, s.companion_of),
                ]
                for s in steps
                if s.skip is None
            ],
        }
        return write_keywords(
            catalog,
            steps,
            album.name,
            summary,
            lambda: progress.advance(1),
            album_id=album.id,
            began=lambda batch: sidecar_redo.keep_for_redo(catalog, KEYWORDS, batch, kept),
            forget=lambda batch: sidecar_redo.forget(catalog, KEYWORDS, batch),
        )

    def redo_keywords(self, batch: int, progress: Progress = NULL_PROGRESS) -> Outcome:
        """Keyword change ``batch``, undone last, done again as a new action: the same change
        to each sidecar its undo put back (none other: a hostile review saw one whose undo had
        failed, edited by another program since, changed again, and a copy made since get the
        keyword), checked again as a plan is (protected since, read-only, not XMP).

        Raises:
            NothingToRedo: it cannot be redone (see redo.refusal: what it did is not known,
                the album is gone or renamed, another action came since), or no sidecar
                needs it now.
        """
        with self.writing(progress) as catalog:
            summary = redoing.summary_to_redo(catalog, batch)  # (refused as Redo is, under the lock)
            kept = sidecar_redo.kept_keywords(catalog, batch)
            assert kept is not None  # (else refused above)
            album = next((a for a in self.albums() if a.id == kept.album), None)
            if album is None or album.name != kept.keyword:  # (as refused; another photoorg)
                raise redoing.NothingToRedo(f"Action {batch} was for an album renamed or gone since.")
            back, why_not = sidecar_redo.again(catalog, batch, kept)
            steps = plan_again(kept.steps, kept.keyword, self.settings.protected, back)
            others = [KeywordStep("", skip=why) for why in why_not]
            todo = [s for s in steps if s.skip is None]
            if not todo:
                reasons = "; ".join(sorted({s.skip or "" for s in [*steps, *others]}))
                raise redoing.NothingToRedo(f"Nothing of action {batch} can be done again: {reasons}.")
            progress.start_stage("Writing keywords", len(todo))
            outcome = self._write_keywords(catalog, album, steps, summary, kept.take_out, progress)
        did = keywords_phrase(album.name, outcome.done, past=True, everywhere=kept.take_out)
        redoing.said_again(outcome, batch, f"{did} again", "", [*steps, *others])
        return outcome

    def _plan_keywords(self, album: Album, take_out: bool = False) -> list[KeywordStep]:
        wanted = set() if take_out else set(album.positives)
        photos = self._photos()
        in_albums: dict[str, list[str]] = {}  # a photo's other albums keep their names
        for other in self.albums():
            for fp in other.positives if other.id != album.id else ():
                in_albums.setdefault(fp, []).append(other.name)
        keep = {os.path.abspath(p.path): in_albums.get(p.fingerprint, []) for p in photos}
        written = written_by_photoorg(self.catalog, album.id)
        # The photos that left the album whose sidecars photoorg wrote its name into: found by
        # name (IMG_1.jpg.xmp, or IMG_1.xmp), then checked against the sidecar each one has.
        stems = {os.path.splitext(sc[:-4] if sc.lower().endswith(".xmp") else sc)[0] for sc in written}
        stems |= {sc[:-4] for sc in written}
        leaving = [
            p.path
            for p in photos
            if p.fingerprint not in wanted
            and (os.path.splitext(p.path)[0] in stems or p.path in stems)
            and sidecar_for(p.path) in written
        ]
        members = [p.path for p in photos if p.fingerprint in wanted]
        return plan_keywords(members, album.name, self.settings.protected, written, keep, leaving)

    def album_photos(self, name: str, photos: Sequence[PhotoInfo] | None = None) -> list[PhotoInfo]:
        """The album's photos (examples and accepted) in the library now, wherever they moved
        (``photos``: the library's, when already read)."""
        album = self.album(name)
        wanted = set(album.positives)
        seen: set[str] = set()
        out = []
        for p in self._photos() if photos is None else photos:
            if p.fingerprint in wanted and p.fingerprint not in seen:
                seen.add(p.fingerprint)
                out.append(p)
        return out

    def suggest(
        self,
        name: str,
        k: int = 20,
        progress: Progress = NULL_PROGRESS,
        photos: Sequence[PhotoInfo] | None = None,
    ) -> tuple[list[tuple[PhotoInfo, float]], int]:
        """The ``k`` photos most likely to belong to the album and not answered yet, best first,
        with their probability, and how many unanswered photos are likely (above 0.5)."""
        album = self.album(name)
        model_id, problem = self.model(progress)
        if model_id is None:
            raise problem or ModelUnavailable("Suggestions need the model.")
        photos = self._photos() if photos is None else photos
        fps, x, first = self._library_vectors(model_id, photos)
        try:
            scores = score_album(album, fps, x)
        except ValueError:
            wanted = set(album.positives)
            if not any(p.fingerprint in wanted for p in photos):  # said "scan first" before
                raise PhotoorgError(
                    f"The album {album.name} has no photo of the library left to learn from; add a "
                    "few examples of what it holds and it suggests more."
                ) from None
            if not any(p.fingerprint in wanted and not p.is_video for p in photos):
                raise PhotoorgError(
                    f"The album {album.name} holds only videos, which the model does not look at; "
                    "add a photo as an example and it suggests more."
                ) from None
            raise PhotoorgError(
                f"None of the photos of {album.name} has been looked at by the model yet; scan first."
            ) from None
        found = [(first[fps[i]], float(scores.probability[i])) for i in scores.order[:k]]
        return found, scores.likely

    def album_view(
        self, name: str, k: int = 60, progress: Progress = NULL_PROGRESS, suggest: bool = True
    ) -> AlbumView:
        """The album, its photos, those away and where they went, and (when ``suggest``) its
        ``k`` best suggestions (retrained on every answer)."""
        photos = self._photos()  # read once: a 100k library takes a while
        album = self.album(name)
        view = AlbumView(album, self.album_photos(name, photos))
        view.away_photos = away_photos(self.catalog, album, view.members, *self.library_roots())
        if not suggest:
            return view
        try:
            view.suggestions, view.likely = self.suggest(name, k, progress, photos)
        except PhotoorgError as exc:  # no model, or none of its photos embedded yet
            view.problem = str(exc)
        return view

    # -- judging the thresholds ----------------------------------------------------------------
    def calibration(self, progress: Progress = NULL_PROGRESS) -> Calibration:
        """Each photo's nearest neighbour in the library (a sample of 5,000 in a larger one)
        and how similar they are, with the thresholds in force: see core/calibration.py."""
        model_id, problem = self.model(progress)
        if model_id is None:
            raise problem or ModelUnavailable("Judging the thresholds needs the model.")
        s = self.settings
        photos = self._photos()
        if not s.offer_raw_jpegs:  # a RAW's own JPEG is no duplicate to judge the thresholds by
            paired = {p.path for p in raw_jpegs(photos)}
            photos = [p for p in photos if p.path not in paired]
        fps, x, first = self._library_vectors(model_id, photos)
        if len(fps) < 2:
            raise PhotoorgError("The model has looked at fewer than two photos yet; scan first.")
        paths = {fp: first[fp].path for fp in fps}
        return calibrate(fps, x, paths, s.same_threshold, s.similar_threshold)

    def _photos(self) -> list[PhotoInfo]:
        roots, _ = self.library_roots()
        return self.catalog.photos(under=roots)

    def _library_vectors(
        self, model_id: int, photos: Sequence[PhotoInfo]
    ) -> tuple[list[str], np.ndarray, dict[str, PhotoInfo]]:
        """The library's photos' vectors (one per content) and where each content is now. The
        vectors are kept between calls while the same contents are in the library, so an
        accept-and-retrain loop reads them once; the paths are read fresh every time."""
        first: dict[str, PhotoInfo] = {}
        for p in photos:
            if not p.is_video:
                first.setdefault(p.fingerprint, p)
        wanted = sorted(first)
        key = (model_id, self.catalog.vector_counts().get(model_id, 0), hash(tuple(wanted)))
        if self._vector_cache is None or self._vector_cache[0] != key:
            fps, x = self.catalog.vectors_for(model_id, wanted)
            self._vector_cache = (key, x, fps)
        _, x, fps = self._vector_cache
        return fps, x, first


def _holds(now: str | None, role: str) -> bool:
    """Whether a photo's role in an album (``now``; None: not in it) is ``role`` already: an
    example is accepted already, and a photo not in the album is taken out already."""
    return now == role or (role == MEMBER and now == EXAMPLE) or (role == REMOVED and now is None)
