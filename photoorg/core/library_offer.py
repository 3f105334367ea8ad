"""The library's offer of a new look at every photo (a mixin of
:class:`photoorg.core.library.Library`): made when the model loads with vectors a new look would
improve (vector_choice.py), kept in the catalog so the app offers it at every start, and the
settings a new look runs with."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

from photoorg.core.embedder import Embedder
from photoorg.core.errors import ModelUnavailable
from photoorg.core.imaging import LATEST_PREPROCESS
from photoorg.core.library_part import LibraryPart
from photoorg.core.pipeline import ScanSummary
from photoorg.core.vector_choice import ReembedOffer, reembed_offer

log = logging.getLogger(__name__)

#: The catalog's meta key of the last offer of a new look (:meth:`ReembedOffers._kept_offer`).
OFFER_META = "reembed_offer"


class ReembedOffers(LibraryPart):
    """The offer of a new look, and looking again."""

    reembed_offer: ReembedOffer | None
    _model: Any
    _overrides: dict[str, Any]

    def _offer_reembed(self, embedder: Embedder, summary: ScanSummary) -> None:
        """The library stays with the format and preprocessing its vectors were made with; say
        so when this computer runs another format best or a newer preprocessing exists, for the
        choices the person left to photoorg (vector_choice.py)."""
        s = self.settings
        dtype = s.dtype == "auto" and embedder.requested_dtype != "auto"  # the library's, not the computer's
        preprocess = s.preprocess == "auto"
        if not (dtype or preprocess):
            return
        model = self.catalog.find_model(summary.model_key) if summary.model_key else None
        photos = self.catalog.vector_counts().get(model.id, 0) if model else 0
        try:
            offer = reembed_offer(embedder, photos, dtype=dtype, preprocess=preprocess) if photos else None
        except Exception:  # a measurement that fails only costs the advice
            log.info("could not estimate a new look at the library", exc_info=True)
            return
        self.reembed_offer = offer
        # Kept with the vectors it is about, so the app offers it at every start (the model only
        # loads when there is a photo to look at) until the library has the new vectors.
        asked = [s.dtype, s.preprocess]  # an offer made for "auto" is not one for a chosen format
        kept = {"model_key": summary.model_key, "asked": asked, **vars(offer)} if offer else {}
        try:
            self.catalog.set_meta(OFFER_META, json.dumps(kept))
        except sqlite3.Error:  # said this time all the same
            log.info("could not keep the offer of a new look", exc_info=True)

    def _kept_offer(self, model_id: int | None) -> ReembedOffer | None:
        """The offer of a new look made when the model last loaded, while the library still
        uses the vectors it is about."""
        try:
            kept = json.loads(self.catalog.get_meta(OFFER_META) or "{}")
        except ValueError:
            return None
        model = next((m for m in self.catalog.models() if m.id == model_id), None)
        asked = [self.settings.dtype, self.settings.preprocess]
        if not kept or model is None or (kept["model_key"], kept["asked"]) != (model.key, asked):
            return None
        return ReembedOffer(kept["text"], kept["command"])

    def pending_offer(self) -> ReembedOffer | None:
        """The offer of a new look to make now: from this run's model load, else the one kept
        from an earlier load while the library still uses the vectors it is about."""
        return self.reembed_offer or self._kept_offer(self._model[0] if self._model else None)

    @contextlib.contextmanager
    def looking_again(self) -> Iterator[None]:
        """Meanwhile, the model runs in the format this computer runs best and with the newest
        preprocessing, each where the person left it to photoorg ("auto"): what the re-embed
        offer proposes. A scan then looks at every photo again (or goes on with a new look that
        was cancelled); afterwards "auto" goes on with those vectors, most of the library's."""
        from photoorg.core.devices import pick_device, pick_dtype  # torch: the engine's

        s = self.settings
        run: dict[str, Any] = {}
        if s.preprocess == "auto":
            run["preprocess"] = str(LATEST_PREPROCESS)
        if s.dtype == "auto":
            try:
                device = pick_device(s.device)
            except ModelUnavailable:  # a GPU asked for that is not here: the model runs on the CPU
                device = "cpu"
            run["dtype"] = pick_dtype(device)
        before = self._overrides
        self._overrides = {**before, **run}
        try:
            yield
        finally:
            self._overrides = before
