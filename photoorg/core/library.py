"""THE library service: settings + catalog + scan + groups + duplicates + file actions.

The app's engine process and every command of the command line call this class and nothing
beside it; neither orchestrates the library or keeps defaults of its own:

- the settings are the saved ones (:mod:`photoorg.core.settings`, re-read whenever the file
  changes, so a folder protected in the app is protected for the next command and the other
  way round), with a command line's flags laid over them for that run only;
- the catalog is opened here (moved out of the cache folder on first start, migrated, set
  aside and carried over when damaged), and every change to it that can race another photoorg
  holds the library lock (:mod:`photoorg.core.lock`);
- "bring the catalog up to date, then group, then find duplicates" is written once.

Qt-free. Synchronous: long calls take a :class:`Progress` and honour its cancel token.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from photoorg.core import recovery
from photoorg.core.actions import PROTECTED, Action, Outcome, Step, with_them
from photoorg.core.album_view import AlbumView, AwayPhoto
from photoorg.core.albums import EXAMPLE, MEMBER, REJECTED, REMOVED, Album
from photoorg.core.calibration import Calibration
from photoorg.core.catalog import Catalog, move_catalog
from photoorg.core.curation import Curation
from photoorg.core.date_edits import DateEdits
from photoorg.core.duplicates import DuplicateSet, Verdict, find_duplicates
from photoorg.core.embedder import Embedder
from photoorg.core.errors import ModelUnavailable
from photoorg.core.estimate import ScanEstimate
from photoorg.core.grouping import UNSORTED, Group, group_photos, stored_groups
from photoorg.core.keyword_words import emptied_phrase, keywords_phrase
from photoorg.core.library_files import FileActions
from photoorg.core.library_finds import Finds
from photoorg.core.library_folders import Folders
from photoorg.core.library_history import ActionFile, History
from photoorg.core.library_offer import ReembedOffers
from photoorg.core.library_scans import Scans
from photoorg.core.lock import LibraryLock
from photoorg.core.organize import STAY_NOTES, OrganizePlan, OrganizeRequest
from photoorg.core.pairs import live_photos
from photoorg.core.paths import Locations, count_under
from photoorg.core.pipeline import Failure, ScanSummary
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.redo import NothingToRedo
from photoorg.core.redo_words import what_is_redone
from photoorg.core.settings import (
    Settings,
    load_settings,
    settings_stamp,
    take_legacy_group_names,
    update_settings,
)
from photoorg.core.sidecars import left_alone
from photoorg.core.timeline import Timeline, timeline_of
from photoorg.core.undo import NothingToUndo
from photoorg.core.undo_words import left_behind_text, not_back, undone_note
from photoorg.core.vector_choice import ReembedOffer

log = logging.getLogger(__name__)

STAGE_WAITING = "Waiting for another photoorg"
#: Settings a command line may change for one run (None: as saved).
RUN_SETTINGS = (
    "model",
    "device",
    "dtype",
    "preprocess",
    "same_threshold",
    "similar_threshold",
    "offer_raw_jpegs",
    "min_group_size",
    "group_method",
    "keeper_rules",
)


@dataclass
class LibraryState:
    """Everything the app shows of a library, computed off its GUI thread."""

    groups: list[Group] = field(default_factory=list)  # Unsorted last
    sets: list[DuplicateSet] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    photo_count: int = 0
    per_folder: dict[str, int] = field(default_factory=dict)
    model_error: ModelUnavailable | None = None
    summary: ScanSummary | None = None  # the scan that led here, if any
    missing: list[str] = field(default_factory=list)  # library folders that are not there
    photos_away: int = 0  # photos the catalog keeps in those folders (not shown until they are back)
    notes: list[str] = field(default_factory=list)  # what opening the catalog found (recovery...)
    timeline: Timeline = field(default_factory=Timeline)  # every photo, newest first
    partial: bool = False  # a snapshot taken during a scan (see Library.snapshot)
    similar_sets: bool = True  # the sets hold every verdict (False: exact copies only, so far)
    not_looked_at: int = 0  # photos the model has not looked at yet (a cancelled scan, no model)
    albums: list[Album] = field(default_factory=list)  # oldest first
    #: What looking at the whole library again would bring and take (vector_choice.py), when
    #: the model loaded with vectors that a new look would improve: Library.state(again=True).
    reembed_offer: ReembedOffer | None = None


class Library(Folders, Scans, ReembedOffers, FileActions, History, Curation, DateEdits, Finds):
    """One photo library: its settings, its catalog and everything done with them.

    Args:
        where: the folders photoorg keeps its files in.
        overrides: settings for this run only (see ``RUN_SETTINGS``); None values are ignored.
        protect, prefer: folders protected / preferred for this run, besides the saved ones.
        exclude: patterns of files to skip in this run, besides the saved ones.
        batch_size, workers: model batch size and decode threads (None: the defaults).
        allow_download: whether a scan may download the model (the command line's ``scan``).
        wait: when another photoorg holds the library, wait for it (False: raise LibraryBusy).
        on_wait: told, once per wait, who is being waited for (a sentence).
    """

    def __init__(
        self,
        where: Locations,
        overrides: dict[str, Any] | None = None,
        *,
        protect: Sequence[str] = (),
        prefer: Sequence[str] = (),
        exclude: Sequence[str] = (),
        batch_size: int | None = None,
        workers: int | None = None,
        allow_download: bool = False,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.where = where
        self._overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        unknown = set(self._overrides) - set(RUN_SETTINGS)
        if unknown:
            raise ValueError(f"not settings a run may change: {sorted(unknown)}")
        self._given = dict(self._overrides)  # what the person gave for this run (not looking_again's)
        self._extra_protect = [os.path.abspath(p) for p in protect]
        self._extra_prefer = [os.path.abspath(p) for p in prefer]
        self._extra_exclude = list(exclude)
        self.batch_size = batch_size
        self.workers = workers
        self.allow_download = allow_download
        self.wait = wait
        self.on_wait = on_wait
        self.notes: list[str] = []
        self.reembed_offer: ReembedOffer | None = None  # said once, like a note (see _offer_reembed)
        self._catalog: Catalog | None = None
        self._saved: Settings | None = None
        self._stamp: object = object()
        self._embedder: Embedder | None = None
        self._embedder_for: tuple[Any, ...] | None = None
        self._model: tuple[int | None, ModelUnavailable | None] | None = None  # (id, problem)
        self._model_for: tuple[Any, ...] | None = None
        self.last_scan: ScanSummary | None = None
        self.unlisted: list[Failure] = []  # see Scans.scan
        self._vector_cache = None

    # -- settings -------------------------------------------------------------------------------
    @property
    def saved_settings(self) -> Settings:
        """The settings file as it is now (re-read when another photoorg changed it)."""
        stamp = settings_stamp(self.where)
        if self._saved is None or stamp != self._stamp:
            self._saved, self._stamp = load_settings(self.where), stamp
        return self._saved

    @property
    def settings(self) -> Settings:
        """The saved settings with this run's flags laid over them."""
        saved = self.saved_settings
        run = saved.with_changes(**self._overrides)
        run.protected = sorted({*saved.protected, *self._extra_protect})
        run.preferred = sorted({*saved.preferred, *self._extra_prefer})
        run.exclude = [*saved.exclude, *(e for e in self._extra_exclude if e not in saved.exclude)]
        return run

    def protected_watch(self) -> Callable[[], list[str]]:
        """The protected folders as they are at each call (the same list until the settings
        file changes, so that a long action can look again at every file cheaply: a folder
        protected by another photoorg while it runs is left alone from then on)."""
        seen: list[Any] = [settings_stamp(self.where), self.settings.protected]

        def now() -> list[str]:
            stamp = settings_stamp(self.where)
            if stamp != seen[0]:
                seen[0], seen[1] = stamp, self.settings.protected
            return seen[1]

        return now

    def change_settings(self, change: Callable[[Settings], object]) -> Settings:
        """Change the saved settings (read afresh, changed, saved, under a lock)."""
        saved = update_settings(self.where, change)
        self._saved, self._stamp = saved, settings_stamp(self.where)
        return saved

    # -- the catalog ----------------------------------------------------------------------------
    @property
    def catalog_open(self) -> bool:
        """Whether the catalog was opened (asking what undo would do must not make one)."""
        return self._catalog is not None

    @property
    def catalog(self) -> Catalog:
        """The library's catalog, opened on first use (moved, migrated, recovered)."""
        if self._catalog is None:
            self._catalog = self._open_catalog()
        return self._catalog

    def _open_catalog(self) -> Catalog:
        where = self.where
        if where.old_catalog.exists() and not where.catalog.exists():
            with LibraryLock(where.catalog.with_name(where.catalog.name + ".lock")).holding():
                if move_catalog(where.old_catalog, where.catalog):
                    self.notes.append(f"the catalog moved to {where.catalog}, out of the cache folder")
        catalog = Catalog(where.catalog)
        try:
            if catalog.set_aside_to is not None:
                carried = f" (carried over: {', '.join(catalog.carried)})" if catalog.carried else ""
                self.notes.append(
                    f"the catalog was unusable and was kept as {catalog.set_aside_to}; a new one was "
                    f"started{carried}"
                )
            if take_legacy_group_names(where, catalog.add_group_name_hints):
                log.info("group names moved from settings.json into the catalog")
            if catalog.lock.try_acquire():  # else a running photoorg settles its own steps
                try:
                    self.notes.extend(recovery.reconcile(catalog))
                finally:
                    catalog.lock.release()
        except BaseException:
            catalog.close()
            raise
        return catalog

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self, progress: Progress = NULL_PROGRESS) -> Iterator[Catalog]:
        """Hold the library lock (waiting for another photoorg, or not, as asked); the first
        time, settle whatever a crashed photoorg left unfinished."""
        catalog = self.catalog
        first = not catalog.lock.held
        catalog.lock.acquire(self.wait, self._waiting(progress), progress.check)
        try:
            if first:
                self.notes.extend(recovery.reconcile(catalog))
            yield catalog
        finally:
            catalog.lock.release()

    def _waiting(self, progress: Progress) -> Callable[[int | None], None]:
        def told(owner: int | None) -> None:
            who = f" (pid {owner})" if owner else ""
            text = f"Another photoorg is working on this library{who}; waiting for it to finish."
            if self.on_wait is not None:
                self.on_wait(text)
            if progress is not NULL_PROGRESS:
                progress.start_stage(f"{STAGE_WAITING}{who}", 0)

        return told

    # -- what the library shows -----------------------------------------------------------------
    def state(
        self, scan: bool = True, progress: Progress = NULL_PROGRESS, again: bool = False
    ) -> LibraryState:
        """Scan (when asked, or when the model is not known yet), group, find duplicates.
        ``again``: the scan looks at every photo again as the re-embed offer proposes
        (:meth:`looking_again`)."""
        with self.looking_again() if again else contextlib.nullcontext():
            state = self._state(scan, progress)
        state.reembed_offer, self.reembed_offer = self.pending_offer(), None
        return state

    def _state(self, scan: bool, progress: Progress) -> LibraryState:
        roots, missing = self.library_roots()
        state = LibraryState(missing=missing)
        _opened = self.catalog  # first: what opening it found (a moved catalog, recovery) is in notes
        state.notes, self.notes = self.notes, []
        if not roots:
            state.failures = self.problems(roots, missing)
            return state
        if scan:
            state.summary = self.scan(roots, progress)
            progress.check()
        model_id, state.model_error = self.model(progress)
        self._fill(state, roots, missing, model_id)
        if model_id is not None:
            state.groups = self.groups(progress=progress)
        state.sets = self.duplicates(progress=progress)
        state.notes.extend(self.notes)
        self.notes = []
        return state

    def snapshot(self, groups: bool = False) -> LibraryState:
        """What the library holds so far, during a scan: the timeline, counts, problems and
        exact copies (known as soon as photos are catalogued); with ``groups``, also the groups
        and every kind of duplicate set among the photos embedded so far (the groups stored,
        so they keep their ids, and the names given meanwhile, when the scan is done)."""
        roots, missing = self.library_roots()
        state = LibraryState(missing=missing, partial=True)
        if groups and (self._embedder is None or not self._embedder.loaded):
            # Before the scan (a start): the groups of the last grouping, as stored.
            state.groups = stored_groups(self.catalog, roots)
            groups = False
        model = None
        embedder = self._embedder
        if groups and embedder is not None and embedder.loaded:
            model = self.catalog.find_model(embedder.key)
        self._fill(state, roots, missing, model.id if model else None)
        if model is None:
            state.sets = find_duplicates(self.catalog, None, roots, policy=self.settings.keeper_policy(),
                                         verdicts=(Verdict.EXACT,))  # fmt: skip
            state.similar_sets = False
            return state
        s = self.settings
        state.groups = group_photos(
            self.catalog, model.id, roots, settings=s.group_settings(), store=self.stores_groups, away=missing
        )
        seen = self.catalog.fingerprints_with_vectors(model.id)
        for g in state.groups:  # Unsorted: the photos looked at so far that fit no group
            if g.id == UNSORTED:
                g.photos = [p for p in g.photos if p.fingerprint in seen]
                g.representatives = g.photos[:4]
        state.sets = find_duplicates(
            self.catalog, model.id, roots, settings=s.duplicate_settings(), policy=s.keeper_policy()
        )
        return state

    def _fill(
        self, state: LibraryState, roots: list[str], missing: list[str], model_id: int | None = None
    ) -> None:
        photos = self.catalog.photos(under=roots)
        if model_id is not None:
            seen = self.catalog.fingerprints_with_vectors(model_id)
            state.not_looked_at = sum(1 for p in photos if not p.is_video and p.fingerprint not in seen)
        state.timeline = timeline_of(photos)
        shown = state.timeline.photos  # a Live Photo counts once, as it is shown
        protected = [f for f in self.settings.protected if f not in roots]  # counted too (a review)
        state.per_folder = count_under((p.path for p in shown), [*roots, *protected])
        state.photo_count = len(shown)
        state.photos_away = len(self.catalog.photos(under=missing)) if missing else 0
        state.failures = self.problems(roots, missing)
        state.albums = self.albums()

    def photo_counts(self, folders: Sequence[str] | None = None) -> dict[str, int]:
        """Readable photos the catalog holds under each folder (default: the library's); no
        scan: what the last one found."""
        folders = list(self.saved_settings.folders if folders is None else folders)
        photos = self.catalog.photos(under=folders) if folders else []
        folded = {v.path for v in live_photos(photos).values()}  # a Live Photo counts once
        return count_under((p.path for p in photos if p.path not in folded), folders)


#: What the app and the command line use of the library's types (they import nothing else of
#: the catalog, the scan or the file actions: see the import-linter contracts in pyproject.toml).
__all__ = [
    "EXAMPLE",
    "MEMBER",
    "PROTECTED",
    "REJECTED",
    "REMOVED",
    "STAY_NOTES",
    "Action",
    "ActionFile",
    "Album",
    "AlbumView",
    "AwayPhoto",
    "Calibration",
    "Library",
    "LibraryState",
    "NothingToRedo",
    "NothingToUndo",
    "OrganizePlan",
    "OrganizeRequest",
    "Outcome",
    "ScanEstimate",
    "ScanSummary",
    "Step",
    "Timeline",
    "emptied_phrase",
    "keywords_phrase",
    "left_alone",
    "left_behind_text",
    "not_back",
    "undone_note",
    "what_is_redone",
    "with_them",
]
