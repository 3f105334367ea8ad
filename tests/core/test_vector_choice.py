"""Issue 15: a changed default that changes the vectors must not re-embed a library unasked.
"auto" runs the model in the format and with the preprocessing the library's vectors were made
with, and the person is told what this computer runs best, what a newer preprocessing changes,
and what a new look at the library would take."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoorg.core.devices import pick_dtype
from photoorg.core.imaging import LATEST_PREPROCESS
from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings
from photoorg.core.vector_choice import library_choice
from tests.conftest import make_mpo, make_photo


@pytest.fixture
def root(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "Pictures"
    for i in range(4):
        make_photo(folder / f"p{i}.jpg", seed=i, size=(96, 72))
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(locations(), Settings(folders=[str(folder)], model=str(tiny_model), device="cpu"))
    return folder


def test_auto_keeps_the_format_the_library_was_looked_at_in_and_says_what_runs_best(root: Path) -> None:
    best = pick_dtype("cpu", "auto")  # fp32 on an AVX2 CPU, bf16 where AMX or AVX512-BF16 is
    other = "bf16" if best == "fp32" else "fp32"
    # The library was looked at in another format: another computer, or an older default.
    with Library(locations(), {"dtype": other}) as library:
        assert library.scan().embedded == 4
    with Library(locations()) as library:  # the saved setting: auto
        summary = library.scan()
        assert summary.embedded == 0  # nothing looked at again
        assert summary.model_key.endswith(f"/{other}")
        # A new photo: the model loads (only then: a start with nothing new needs no torch),
        # runs in the library's format, and the person is told about the better one.
        make_photo(root / "new.jpg", seed=99, size=(96, 72))
        again = library.scan()
        assert again.embedded == 1 and again.model_key == summary.model_key
        offer = str(library.reembed_offer)
        assert library.reembed_offer is not None and "looks at none of them again" in offer
        assert f"looked at this library's 5 photos in {other}, so photoorg goes on in {other}" in offer
        assert f"best in {best}" in offer and f"photoorg scan --dtype {best}" in offer
    # Looked at again in the best format on request: from then on "auto" goes on in that one.
    with Library(locations(), {"dtype": best}) as library:
        assert library.scan().embedded == 5
        assert library_choice(library.catalog, library.settings.model, "auto").dtype == best
    make_photo(root / "newer.jpg", seed=98, size=(96, 72))
    with Library(locations()) as library:
        quiet = library.scan()
        assert quiet.embedded == 1 and quiet.model_key.endswith(f"/{best}")
        assert library.reembed_offer is None


def test_a_new_library_and_a_chosen_format_are_left_as_they_are(root: Path) -> None:
    with Library(locations()) as library:
        assert library_choice(library.catalog, library.settings.model, "auto").dtype == "auto"
        assert library_choice(library.catalog, library.settings.model, "fp32").dtype == "fp32"
        library.scan()
        made = library_choice(library.catalog, library.settings.model, "auto").dtype
        assert made == pick_dtype("cpu", "auto")
        assert library_choice(library.catalog, "another/model", "auto").dtype == "auto"


def test_a_new_library_is_looked_at_with_the_newest_preprocessing(root: Path) -> None:
    with Library(locations()) as library:
        assert library_choice(library.catalog, library.settings.model).preprocess == LATEST_PREPROCESS
        summary = library.scan()
        assert summary.embedded == 4 and f"/pp{LATEST_PREPROCESS}-" in (summary.model_key or "")
        assert library.reembed_offer is None


def vectors_by_name(library: Library, key: str) -> dict[str, np.ndarray]:
    model = library.catalog.find_model(key)
    assert model is not None
    paths, vectors = library.catalog.vectors(model.id)
    return {Path(p).name: v for p, v in zip(paths, vectors, strict=True)}


def test_a_library_made_with_preprocessing_1_goes_on_with_it_until_asked(root: Path) -> None:
    """A library looked at by a photoorg whose newest preprocessing was 1 (here: chosen), then
    opened by this one: nothing is looked at again unasked, new photos get version 1's vectors so
    they compare with the rest, the person is told what version 2 would change and cost, and the
    command they are told re-embeds the library, which from then on goes on with version 2."""
    make_mpo(root / "stereo.jpg")  # a phone's multi-picture JPEG: the photo version 2 changes
    with Library(locations(), {"preprocess": "1"}) as library:
        first = library.scan()
        assert first.embedded == 5 and "/pp1-" in (first.model_key or "")
        v1 = vectors_by_name(library, first.model_key or "")
    with Library(locations()) as library:  # the saved setting: auto
        assert library_choice(library.catalog, library.settings.model).preprocess == 1
        again = library.scan()
        assert again.embedded == 0 and again.model_key == first.model_key  # nothing looked at again
        assert all("/pp1-" in m.key for m in library.catalog.models())  # no vectors of version 2 were made
        make_photo(root / "new.jpg", seed=99, size=(96, 72))
        added = library.scan()
        assert added.embedded == 1 and added.model_key == first.model_key
        offer = str(library.reembed_offer)
        assert library.reembed_offer is not None and "looks at none of them again" in offer
        # Told once: when the model first loaded (the rescan, here: it had not run in the
        # library's format before), and not again.
        assert " with preprocessing 1, so photoorg goes on in " in offer
        assert "preprocessing 2 (how a photo is prepared for the model) decodes photos saved as " in offer
        assert "multi-picture JPEG (MPO" in offer and "would take " in offer
        assert offer.endswith("photoorg scan --preprocess 2")
    with Library(locations(), {"preprocess": "2"}) as library:  # what the note says to run
        redone = library.scan()
        assert redone.embedded == 6 and "/pp2-" in (redone.model_key or "")
        v2 = vectors_by_name(library, redone.model_key or "")
    # Only the multi-picture photo is prepared differently; the plain JPEGs' vectors are the same.
    assert all(np.allclose(v1[name], v2[name], atol=1e-6) for name in v1 if name != "stereo.jpg")
    assert not np.allclose(v1["stereo.jpg"], v2["stereo.jpg"], atol=1e-6)
    make_photo(root / "newer.jpg", seed=98, size=(96, 72))
    with Library(locations()) as library:  # auto again: the library is in version 2 now
        assert library_choice(library.catalog, library.settings.model).preprocess == 2
        quiet = library.scan()
        assert quiet.embedded == 1 and quiet.model_key == redone.model_key
        assert library.reembed_offer is None


def test_the_apps_look_again_re_embeds_with_the_newest_preprocessing_and_the_best_format(root: Path) -> None:
    """The app's button on the offer: Library.state(again=True), the same service the
    command's flags reach; the offer is part of the state the app shows."""
    with Library(locations(), {"preprocess": "1"}) as library:
        assert library.scan().embedded == 4
    make_photo(root / "new.jpg", seed=99, size=(96, 72))
    with Library(locations()) as library:
        state = library.state()
        assert state.summary is not None and state.summary.embedded == 1
        offer = state.reembed_offer
        assert offer is not None and offer.command == "photoorg scan --preprocess 2"
        assert library.reembed_offer is None  # handed over once
    with Library(locations()) as library:  # the next start: nothing new, so the model never loads
        state = library.state()
        assert state.summary is not None and state.summary.embedded == 0
        assert state.reembed_offer == offer  # offered again all the same, until the new look
    with Library(locations()) as library:
        again = library.state(again=True)
        assert again.summary is not None and again.summary.embedded == 5
        assert "/pp2-" in (again.summary.model_key or "")
        assert again.summary.model_key.endswith(f"/{pick_dtype('cpu', 'auto')}")
        assert again.reembed_offer is None
        assert library.settings.preprocess == "auto"  # nothing pinned: the saved settings as they were
        assert library_choice(library.catalog, library.settings.model).preprocess == 2
        assert library.state().summary.embedded == 0  # type: ignore[union-attr]
    with Library(locations()) as library:
        assert library.state().reembed_offer is None  # the library has the new vectors
