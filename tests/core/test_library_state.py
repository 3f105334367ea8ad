"""The library's state as the app shows it: its problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings
from tests.conftest import make_photo


@pytest.fixture
def lib(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "Pictures"
    for i in range(2):
        make_photo(root / "a" / f"p{i}.jpg", seed=i, size=(64, 48))
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(locations(), Settings(folders=[str(root)], model=str(tiny_model), device="cpu"))
    return root


def test_what_listing_the_folders_met_stays_among_the_problems_until_it_is_gone(lib: Path) -> None:
    """Found by a review: a broken link was "1 unreadable" in the CLI's scan, and Problems (0)
    in the app, which shows the library's state: only the catalog's failures were in it, and
    a link or a folder that cannot be listed has no row there."""
    broken = lib / "a" / "broken.jpg"
    broken.symlink_to(lib / "a" / "gone.jpg")
    with Library(locations()) as library:
        scanned = library.state(scan=True)
        reason = f"a broken link: it points to {lib / 'a' / 'gone.jpg'}, which is not there"
        assert scanned.failures == [(str(broken), reason)]
        assert library.state(scan=False).failures == [(str(broken), reason)]  # after an action, say
        broken.unlink()
        assert library.state(scan=True).failures == []
