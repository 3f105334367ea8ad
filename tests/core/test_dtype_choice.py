"""Issue 15: a changed default that changes the vectors must not re-embed a library unasked.
"auto" runs the model in the format the library's vectors are in, and the person is told what
this computer runs best and what a new look at the library would take."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoorg.core.dtype_choice import library_dtype
from photoorg.core.embedder import pick_dtype
from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings
from tests.conftest import make_photo


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
        [offer] = [n for n in library.notes if "looks at none of them again" in n]
        assert f"looked at this library's 5 photos in {other}, so photoorg goes on in {other}" in offer
        assert f"best in {best}" in offer and f"photoorg scan --dtype {best}" in offer
    # Looked at again in the best format on request: from then on "auto" goes on in that one.
    with Library(locations(), {"dtype": best}) as library:
        assert library.scan().embedded == 5
        assert library_dtype(library.catalog, library.settings.model, "auto") == best
    make_photo(root / "newer.jpg", seed=98, size=(96, 72))
    with Library(locations()) as library:
        quiet = library.scan()
        assert quiet.embedded == 1 and quiet.model_key.endswith(f"/{best}")
        assert not [n for n in library.notes if "looks at none of them again" in n]


def test_a_new_library_and_a_chosen_format_are_left_as_they_are(root: Path) -> None:
    with Library(locations()) as library:
        assert library_dtype(library.catalog, library.settings.model, "auto") == "auto"
        assert library_dtype(library.catalog, library.settings.model, "fp32") == "fp32"
        library.scan()
        made = library_dtype(library.catalog, library.settings.model, "auto")
        assert made == pick_dtype("cpu", "auto")
        assert library_dtype(library.catalog, "another/model", "auto") == "auto"
