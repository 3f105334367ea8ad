"""A first scan that is useful while it runs, and a start that shows the last groups at once
(issue 13): what Library.snapshot gives the app during a scan and before it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from photoorg.core.grouping import UNSORTED
from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.pipeline import STAGE_EMBED
from photoorg.core.progress import Progress
from photoorg.core.settings import Settings, save_settings
from tests.conftest import make_photo

PHOTOS = 40  # the first snapshot after a batch (16 on a CPU) is committed


@pytest.fixture
def lib(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "Pictures"
    for i in range(PHOTOS - 1):
        make_photo(root / f"f{i % 3}" / f"p{i:02d}.jpg", seed=i, size=(96, 72))
    shutil.copy(root / "f0" / "p00.jpg", root / "f1" / "copy_of_p00.jpg")  # an exact copy
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(
        locations(), Settings(folders=[str(root)], model=str(tiny_model), device="cpu", min_group_size=2)
    )
    return root


def grouped(groups: list) -> dict[int, list[str]]:
    return {g.id: sorted(p.path for p in g.photos) for g in groups}


def test_groups_and_sets_come_from_the_photos_embedded_so_far_then_a_start_shows_the_last_ones(lib) -> None:
    snaps = []
    with Library(locations()) as library:

        def during(p: Progress) -> None:
            if p.stage == STAGE_EMBED and p.done >= 24 and not snaps:
                snaps.append((p.done, library.snapshot(groups=True)))

        final = library.state(scan=True, progress=Progress(during))
    assert snaps, "the scan never reached half of the photos"
    _, snap = snaps[0]
    assert snap.partial and snap.similar_sets and snap.photo_count == PHOTOS
    shown = [p.path for g in snap.groups for p in g.photos]
    assert len(shown) == len(set(shown))  # each photo in one group at most
    # Only photos the model has looked at are grouped (Unsorted too): not yet all of them.
    assert 16 <= len(shown) < PHOTOS - 1 and snap.not_looked_at > 0
    assert any(g.id not in (None, UNSORTED) for g in snap.groups), "no group from the first half"
    assert any(s.verdict.value == "exact" for s in snap.sets)  # copies show up by content at once

    # A later start: before the scan, the groups of the last grouping, as they were, and no
    # model is loaded for them.
    with Library(locations()) as again:
        start = again.snapshot(groups=True)
        assert again._embedder is None  # nothing was computed
    assert grouped(start.groups) == grouped(final.groups)
    assert [g.label for g in start.groups] == [g.label for g in final.groups]
    assert not start.similar_sets  # sets of every kind need the vectors: exact copies until then
