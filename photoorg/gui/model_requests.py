"""The window's requests about the model itself: its download size, how long a first scan
takes here with each size, and the download. Only files under the model cache are touched, never
the catalog. A part of :class:`~photoorg.gui.library.Library`, which provides ``_run``, ``_ask``,
the settings and the progress these use."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from photoorg.core.errors import ModelNotCached, PhotoorgError
from photoorg.core.progress import Progress
from photoorg.engine import EstimateScan
from photoorg.gui.tasks import TaskError

log = logging.getLogger(__name__)


class ModelRequests:
    """Library's model methods (a mixin: the attributes used are Library's)."""

    _run: Any
    _ask: Any
    _settings: Any
    _progresses: set[Progress]
    where: Any
    progress: Progress
    cancellable: bool

    def download_size(self, on_result: Callable[[int | None, str, bool], None]) -> None:
        """Ask the hub what downloading the chosen model fetches: ``on_result(bytes, "", False)``,
        or ``(None, why, offline)`` when it cannot be asked (no connection, an error)."""
        from photoorg.core.download import download_size

        model = self._settings.model

        def ask() -> tuple[int | None, str, bool]:
            try:
                return download_size(model, self.where.model_cache), "", False
            except ModelNotCached as exc:
                return None, str(exc), exc.offline
            except PhotoorgError as exc:
                return None, str(exc), False

        self._run(ask, lambda answer: on_result(*answer), "ask the model's download size")

    def estimate_first_scan(self, photos: int, on_result: Callable[[Any], None]) -> None:
        """How long the first scan of ``photos`` takes here with each model size (measured by
        the engine in a few seconds); ``on_result(ScanEstimate)``, or None if it cannot tell."""

        def failed(error: TaskError) -> bool:
            log.info("no first-scan estimate: %s", error.error)
            on_result(None)
            return True

        work = self._ask(EstimateScan(photos), "Measuring this computer", cancellable=False)
        self._run(work, on_result, "estimate the first scan", on_error=failed)

    def download_model(self, on_result: Callable[[str | None], None], on_cancel: Callable[[], None]) -> None:
        """Download the chosen hub model (the only network access photoorg makes); progress in
        bytes. ``on_result(None)`` when it is there, else ``on_result(why)``."""
        from photoorg.core.model_folder import resolve_model

        progress = Progress()
        self._progresses.add(progress)
        model = self._settings.model

        def fetch() -> str | None:
            self.progress, self.cancellable = progress, True
            try:
                resolve_model(model, cache_dir=self.where.model_cache, allow_download=True, progress=progress)
            except PhotoorgError as exc:
                return str(exc)
            finally:
                self._progresses.discard(progress)
            return None

        cancelled = "Download cancelled; nothing of it was kept (it starts over next time)."
        self._run(fetch, on_result, "download model", on_cancel, cancel_text=cancelled)
