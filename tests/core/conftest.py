"""Fixtures of the core's tests that more than one file uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings
from tests.conftest import make_photo


@pytest.fixture
def four_photos(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library of four small photos in Pictures/a, its settings saved and scanned."""
    root = tmp_path / "Pictures"
    for i in range(4):
        make_photo(root / "a" / f"p{i}.jpg", seed=i, size=(64, 48))
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(locations(), Settings(folders=[str(root)], model=str(tiny_model), device="cpu"))
    with Library(locations()) as library:
        library.scan()
    return root
