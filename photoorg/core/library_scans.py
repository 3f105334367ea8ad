"""The library's model and scans (a mixin of :class:`photoorg.core.library.Library`): the
embedder its settings and vectors call for, bringing the catalog up to date, and which vectors
the library's groups and duplicates use."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from photoorg.core import estimate
from photoorg.core.devices import save_devices
from photoorg.core.embedder import Embedder
from photoorg.core.errors import ModelNotCached, ModelUnavailable
from photoorg.core.estimate import ScanEstimate
from photoorg.core.library_part import LibraryPart
from photoorg.core.paths import Locations, under_test
from photoorg.core.pipeline import Failure, ScanSummary, run_scan
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.settings import Settings
from photoorg.core.vector_choice import library_choice

_GROUPING_SETTINGS = ("min_group_size", "group_method")
#: Settings that give other vectors (another model key): a run with them is a one-off.
_VECTOR_SETTINGS = ("model", "device", "dtype", "preprocess")


def _model_path(model: str) -> str:
    """A model folder however it is written (a hub id as it is)."""
    folder = os.path.expanduser(model)
    return os.path.realpath(folder) if os.path.isdir(folder) else model


class Scans(LibraryPart):
    """The model, and scans."""

    where: Locations
    batch_size: int | None
    workers: int | None
    allow_download: bool
    notes: list[str]
    last_scan: ScanSummary | None
    unlisted: list[Failure]
    _extra_exclude: list[str]
    _embedder: Embedder | None
    _embedder_for: tuple[Any, ...] | None
    _model: tuple[int | None, ModelUnavailable | None] | None
    _model_for: tuple[Any, ...] | None
    _overrides: dict[str, Any]
    _given: dict[str, Any]

    if TYPE_CHECKING:  # provided by Library and ReembedOffers

        @property
        def saved_settings(self) -> Settings: ...

        def _waiting(self, progress: Progress) -> Callable[[int | None], None]: ...

        def _offer_reembed(self, embedder: Embedder, summary: ScanSummary) -> None: ...

    @property
    def stores_groups(self) -> bool:
        """Whether this run's groups are the library's (not a one-off with other settings, nor
        with vectors of another model, device, number format or preprocessing given for this
        run: a new-user review found ``groups --dtype fp32`` replaced the library's groups,
        their ids with them)."""
        saved = self.saved_settings
        if any(getattr(self.settings, k) != getattr(saved, k) for k in _GROUPING_SETTINGS):
            return False
        given = {k: v for k, v in self._given.items() if k in _VECTOR_SETTINGS and v != getattr(saved, k)}
        if not given:
            return True
        run = saved.with_changes(**given)
        if _model_path(run.model) != _model_path(saved.model):
            return False
        run.model = saved.model  # the same folder: its vectors are the catalog's under that name
        return self._vectors_of(run) == self._vectors_of(saved)

    def _vectors_of(self, s: Settings) -> tuple[str, int]:
        """The number format and preprocessing vectors of these settings are made with, "auto"
        resolved as a scan resolves it (:meth:`embedder`): as most of the library's vectors,
        else what this computer runs best (a hostile review: "auto" read as this computer's
        choice alone called the library's own fp32 vectors a one-off)."""
        choice = library_choice(self.catalog, s.model, s.dtype, s.preprocess)
        if choice.dtype != "auto":
            return choice.dtype, choice.preprocess
        from photoorg.core.devices import pick_device, pick_dtype  # torch: only when it must

        try:
            return pick_dtype(pick_device(s.device)), choice.preprocess
        except (ModelUnavailable, ValueError):  # a GPU asked for that is not here
            return f"{s.device}/auto", choice.preprocess

    def embedder(self) -> Embedder:
        s = self.settings
        choice = library_choice(self.catalog, s.model, s.dtype, s.preprocess)
        dtype = choice.dtype
        wanted = (s.model, s.device, dtype, choice.preprocess, self.batch_size, self.allow_download)
        current = self._embedder
        if (
            current is not None
            and current.loaded
            and self._embedder_for[2] == "auto"
            and current.dtype == dtype
        ):
            wanted = self._embedder_for  # "auto" chose what the library's vectors are in now: the same
        if self._embedder is None or self._embedder_for != wanted:
            self._embedder = Embedder(
                s.model,
                device=s.device,
                dtype=dtype,
                batch_size=self.batch_size,
                cache_dir=self.where.model_cache,
                allow_download=self.allow_download,
                int8_dir=self.where.int8_models,
                preprocess=choice.preprocess,
            )
            self._embedder_for = wanted
        return self._embedder

    def scan(
        self, roots: Sequence[str] | None = None, progress: Progress = NULL_PROGRESS, embed: bool = True
    ) -> ScanSummary:
        """Bring the catalog up to date for ``roots`` (default: the library's folders that are
        there): new and changed photos are read and embedded, unchanged ones not even opened.
        ``embed`` False only catalogues them (fingerprints, sizes, dates)."""
        if roots is None:
            roots, _ = self.library_roots()
        embedder = self.embedder()
        was_loaded = embedder.loaded
        summary = run_scan(
            roots,
            self.catalog,
            embedder,
            exclude=self.settings.exclude,
            kept_excluded=[e for e in self._extra_exclude if e not in self.saved_settings.exclude],
            progress=progress,
            decode_workers=self.workers,
            on_wait=self._waiting(progress),
            embed=embed,
        )
        self.last_scan = summary
        # What listing these folders met (no catalog row holds it), shown with the problems
        # until a scan of that folder no longer meets it.
        inside = under_test(roots)
        self.unlisted = [f for f in self.unlisted if not inside(f.path)] + summary.unlisted
        if embedder.loaded and not was_loaded:  # torch is loaded now: say what it can run on
            save_devices(self.where.cache)
            if embedder.device_note:
                self.notes.append(embedder.device_note)
            self._offer_reembed(embedder, summary)
        if not embed:
            return summary
        if summary.model_problem is not None:
            self._explain(summary.model_problem)
            summary.model_error = str(summary.model_problem)
        self._remember_model(summary)
        self._adopt_first_model(summary)
        return summary

    def _adopt_first_model(self, summary: ScanSummary) -> None:
        """The model a library's photos were first looked at with becomes its model.

        Found by a review: ``scan ~/Pictures --model ~/dinov2-base`` (offline, a model folder)
        then ``duplicates`` said the settings' model was not on this computer. A one-run
        --model stays one run's once the library has vectors of the settings' model."""
        given, saved = self._overrides.get("model"), self.saved_settings
        if given is None or given == saved.model or not summary.model_key or summary.model_problem:
            return
        counts = self.catalog.vector_counts()
        if any(counts.get(m.id) for m in self.catalog.models() if m.name == saved.model):
            return
        folder = os.path.expanduser(given)
        kept = os.path.abspath(folder) if os.path.isdir(folder) else given  # a folder, else a hub id
        self.change_settings(lambda s: s.assign(model=kept, model_declined=False))
        self.notes.append(
            f"the library keeps the model {kept} from now on (it had no vectors of {saved.model}); "
            "'photoorg library model' changes it"
        )

    def _remember_model(self, summary: ScanSummary) -> None:
        model = self.catalog.find_model(summary.model_key) if summary.model_key else None
        self._model = (model.id if model else None, summary.model_problem)
        self._model_for = self._model_key_inputs()

    def _model_key_inputs(self) -> tuple[Any, ...]:
        s = self.settings
        return (s.model, s.device, s.dtype, s.preprocess)

    def model(self, progress: Progress = NULL_PROGRESS) -> tuple[int | None, ModelUnavailable | None]:
        """The catalog's id of the vectors to use (None without a model) and why there is no
        model, if so. Scans once when that is not known yet (cheap when nothing changed)."""
        if self._model is None or self._model_for != self._model_key_inputs():
            self.scan(progress=progress)
        assert self._model is not None
        return self._model

    def _explain(self, problem: ModelUnavailable) -> None:
        """Say which --model to use when the catalog holds vectors of another model."""
        if not isinstance(problem, ModelNotCached):
            return
        counts = self.catalog.vector_counts()
        others = [m for m in self.catalog.models() if counts.get(m.id) and m.name != problem.name]
        if not others:
            return
        best = max(others, key=lambda m: counts[m.id])
        if os.path.isdir(best.name):  # a model folder here: the app offers it (an app review)
            problem.scanned_with, problem.vectors = best.name, counts[best.id]
        problem.args = (
            f"{problem} The catalog holds vectors of {counts[best.id]} photos made with "
            f"{best.name}: add '--model {best.name}' to use them for one command, or "
            f"'photoorg library model {best.name}' to keep that model.",
        )

    def estimate_first_scan(self, photos: int) -> ScanEstimate:
        """How long the model's first look at ``photos`` photos takes here with each model size
        (measured now, on the device and dtype the settings pick; imports torch)."""
        return estimate.first_scan(photos, self.settings.device, self.settings.dtype)
