"""Groups made for one run with other vectors (another model, device, number format or
preprocessing given on the command line) are that run's: the library's groups, their ids and
names stay (a new-user review: ``groups --dtype fp32`` replaced them, and 'Group 6' became
'Group 12', then 'Group 18')."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from photoorg.core.grouping import UNSORTED
from photoorg.core.imaging import LATEST_PREPROCESS
from photoorg.core.library import Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings
from tests.conftest import make_photo


@pytest.fixture
def scenes(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three scenes, each shot five times (the same picture resized and saved again)."""
    root = tmp_path / "Pictures"
    for scene in range(3):
        base = make_photo(root / f"scene{scene}" / "0.jpg", seed=100 + scene, size=(320, 240))
        with Image.open(base) as img:
            for i, width in enumerate((300, 280, 260, 240), start=1):
                img.resize((width, width * 3 // 4)).save(root / f"scene{scene}" / f"{i}.jpg", quality=80 + i)
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(locations(), Settings(folders=[str(root)], model=str(tiny_model), min_group_size=3))
    return root


def stored(library: Library) -> list[tuple[int, bool, frozenset[str]]]:
    return sorted((g.id, g.active, frozenset(g.members)) for g in library.catalog.stored_groups())


def test_groups_with_vectors_given_for_one_run_leave_the_librarys_groups(
    scenes: Path, tiny_model: Path
) -> None:
    with Library(locations()) as library:
        ids = sorted(g.id for g in library.groups() if g.id != UNSORTED)
        before = stored(library)
        assert len(ids) == 3 and before
        library.rename_group(ids[0], "Beach")
        before = stored(library)
    with Library(locations(), {"preprocess": "1"}) as one_run:  # other vectors: a one-off
        assert not one_run.stores_groups
        shown = one_run.groups()
        assert stored(one_run) == before
        assert "Beach" in {g.name for g in shown}  # a group that goes on is shown as the library's
    with Library(locations()) as library:
        assert sorted(g.id for g in library.groups() if g.id != UNSORTED) == ids
        assert stored(library) == before


def test_the_librarys_own_vectors_written_otherwise_are_its_own(scenes: Path, tiny_model: Path) -> None:
    from photoorg.core.devices import pick_dtype

    with Library(
        locations(), {"model": f"{tiny_model}/", "device": "cpu", "dtype": pick_dtype("cpu")}
    ) as library:
        assert library.stores_groups  # the same folder, and what "auto" stands for here
    with Library(locations(), {"min_group_size": 4}) as library:
        assert not library.stores_groups


def test_auto_is_what_the_librarys_vectors_are_made_with(scenes: Path) -> None:
    """A hostile review: a library whose vectors were made in fp32 (its dtype left at auto) on
    a computer whose own choice is bf16 took 'groups --dtype fp32' for a one-off and stored
    'groups --dtype bf16' (new vectors) as the library's groups."""
    from photoorg.core.devices import pick_dtype

    own = pick_dtype("cpu")  # what this computer runs best
    made_with = "bf16" if own == "fp32" else "fp32"  # the library's vectors: the other one
    with Library(locations(), {"dtype": made_with}) as first:
        first.scan()
    with Library(locations(), {"dtype": made_with}) as same:
        assert same.stores_groups  # what "auto" goes on with: the library's own vectors
    with Library(locations(), {"dtype": own}) as other:
        assert not other.stores_groups  # new vectors: a one-off
    with Library(locations(), {"preprocess": str(LATEST_PREPROCESS)}) as newest:
        assert newest.stores_groups  # the version the library's vectors are in


def test_two_groups_cannot_share_a_name(scenes: Path) -> None:
    """An app review: two groups could both be called "Summer trip", and the Put in the group and
    Merge into menus told them apart only by their counts."""
    from photoorg.core.errors import PhotoorgError

    with Library(locations()) as library:
        first, second, _ = sorted(g.id for g in library.groups() if g.id != UNSORTED)
        library.rename_group(first, "Summer trip")
        with pytest.raises(PhotoorgError, match=rf"Group {first} is called “Summer trip” already: .* merge"):
            library.rename_group(second, "summer TRIP")
        with pytest.raises(PhotoorgError, match="already"):  # the same name as a person reads it
            library.rename_group(second, "Summer  trip")
        library.rename_group(first, "Café")
        with pytest.raises(PhotoorgError, match="already"):
            library.rename_group(second, "Cafe\u0301")  # é decomposed
        library.rename_group(first, "Summer trip")  # its own name again: fine
        names = {g.id: g.name for g in library.catalog.stored_groups() if g.active}
        assert names[first] == "Summer trip" and not names[second]


def test_undo_or_redo_of_a_rename_never_makes_two_groups_of_one_name(scenes: Path) -> None:
    """A hostile review: undo by number gave a group back a name another group had taken since,
    and two groups were called "Beach"."""
    from photoorg.core.errors import PhotoorgError

    with Library(locations()) as library:
        first, second, _ = sorted(g.id for g in library.groups() if g.id != UNSORTED)
        library.rename_group(first, "Beach")
        sea = library.rename_group(first, "Sea")
        library.rename_group(second, "Beach")  # free: the first is "Sea" now
        with pytest.raises(PhotoorgError, match=rf"Undoing action {sea} .* two groups called “Beach”"):
            library.undo(sea)
        names = {g.id: g.name for g in library.catalog.stored_groups() if g.active}
        assert (names[first], names[second]) == ("Sea", "Beach")  # nothing changed
        assert {b.id: b.undone for b in library.history()[0]}[sea] is None  # and still in force

        library.rename_group(second, "")
        named = library.rename_group(second, "Forest")
        library.undo()  # the second group has no name again
        library.catalog.rename_group(first, "forest")  # as a group found again is renamed
        with pytest.raises(PhotoorgError, match=rf"Doing again action {named} .* two groups called"):
            library.redo()
        names = {g.id: g.name for g in library.catalog.stored_groups() if g.active}
        assert (names[first], names[second]) == ("forest", None)
