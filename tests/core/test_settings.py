from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from photoorg.core.paths import Locations, locations
from photoorg.core.settings import SCHEMA_VERSION, Settings, load_settings, save_settings, settings_path


@pytest.fixture
def where(photoorg_home: Path) -> Locations:
    return locations().ensure()


def chosen(tmp_path: Path) -> Settings:
    """Settings where every field differs from its default."""
    return Settings(
        folders=[str(tmp_path / "Pictures"), str(tmp_path / "Phone")],
        protected=[str(tmp_path / "Phone")],
        model="facebook/dinov2-small",
        device="cpu",
        dtype="fp32",
        preprocess="1",
        same_threshold=0.97,
        similar_threshold=0.9,
        same_max_local_change=0.05,
        offer_raw_jpegs=True,
        min_group_size=3,
        group_method="leaf",
        exclude=["*/thumbnails/*", "*.png"],
        keeper_rules=["protected", "file_size", "resolution"],
        preferred=[str(tmp_path / "Pictures")],
        model_declined=True,
        taken_in=[str(tmp_path / "Pictures" / "2019")],
    )


def test_saved_settings_load_back_equal(where: Locations, tmp_path: Path) -> None:
    settings = chosen(tmp_path)
    assert all(getattr(settings, f) != getattr(Settings(), f) for f in settings.__dataclass_fields__)
    save_settings(where, settings)
    assert load_settings(where) == settings
    assert [p.name for p in where.config.iterdir()] == ["settings.json"]  # no temporary file left


def test_no_settings_file_gives_the_defaults(where: Locations) -> None:
    assert load_settings(where) == Settings()
    assert not settings_path(where).exists()  # reading never writes


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"schema_version": SCHEMA_VERSION + 1, "folders": ["/x"]}),  # a newer photoorg
        json.dumps({"folders": ["/x"]}),  # no schema version
    ],
    ids=["bad-json", "not-an-object", "newer-schema", "no-version"],
)
def test_an_unusable_settings_file_is_set_aside_and_defaults_are_used(
    where: Locations, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = settings_path(where)
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="photoorg.core.settings"):
        assert load_settings(where) == Settings()
    assert not path.exists()
    [aside] = [p for p in where.config.glob("settings.json.unusable-*") if p.suffix != ".txt"]
    assert aside.read_text(encoding="utf-8") == content  # kept as it was, for the person to look at
    assert "could not use" in aside.with_name(aside.name + ".txt").read_text()  # and why
    assert str(aside) in caplog.text

    # The next save writes a fresh file, and the one set aside stays.
    save_settings(where, Settings(folders=["/photos"]))
    assert load_settings(where).folders == ["/photos"]
    assert aside.read_text(encoding="utf-8") == content


@pytest.mark.parametrize(
    ("bad", "dropped"),
    [
        ({"device": "tpu"}, ["device"]),
        ({"min_group_size": 1}, ["min_group_size"]),
        ({"min_group_size": "five"}, ["min_group_size"]),
        ({"same_threshold": 0.5, "similar_threshold": 0.9}, ["same_threshold"]),
    ],
    ids=["bad-device", "group-size-1", "group-size-text", "bad-thresholds"],
)
def test_a_value_that_cannot_be_used_goes_alone_and_the_folders_and_protection_stand(
    where: Locations, bad: dict, dropped: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Found by a review: "min_group_size": 1 made every setting the default, the protected
    folders too, and a trash then went through a folder that had been protected."""
    path = settings_path(where)
    content = json.dumps(
        {"schema_version": SCHEMA_VERSION, "folders": ["/photos"], "protected": ["/photos/keep"], **bad}
    )
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="photoorg.core.settings"):
        loaded = load_settings(where)
    assert (loaded.folders, loaded.protected) == (["/photos"], ["/photos/keep"])
    for key in dropped:
        assert getattr(loaded, key) == getattr(Settings(), key)
        assert f"{key}=" in caplog.text
    [aside] = [p for p in where.config.glob("settings.json.unusable-*") if p.suffix != ".txt"]
    assert aside.read_text(encoding="utf-8") == content  # the file as it was, for the person
    assert load_settings(where) == loaded  # the next run reads the same, without a word
    assert len([p for p in where.config.glob("settings.json.unusable-*") if p.suffix != ".txt"]) == 1


def test_unknown_fields_from_a_later_version_of_the_same_schema_are_ignored(where: Locations) -> None:
    settings_path(where).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION, "folders": ["/photos"], "a_new_option": True})
    )
    assert load_settings(where) == Settings(folders=["/photos"])
    assert list(where.config.glob("*.unusable-*")) == []


def test_a_change_keeps_what_another_photoorg_changed_meanwhile(where: Locations, tmp_path: Path) -> None:
    """The app and a terminal both change the settings: each change is made to the file as it
    is at that moment, so neither undoes the other's."""
    from photoorg.core.settings import update_settings

    save_settings(where, Settings(folders=[str(tmp_path / "A")]))
    app_view = load_settings(where)  # what the app read at its start
    update_settings(where, lambda s: s.add_folder(str(tmp_path / "B")))  # the terminal
    update_settings(where, lambda s: s.set_protected(app_view.folders[0], True))  # the app
    final = load_settings(where)
    assert final.folders == [str(tmp_path / "A"), str(tmp_path / "B")]
    assert final.protected == [str(tmp_path / "A")]


def test_protecting_needs_a_folder_of_the_library(where: Locations, tmp_path: Path) -> None:
    from photoorg.core.errors import NotInLibrary

    s = Settings(folders=[str(tmp_path / "Pictures")])
    s.set_protected(str(tmp_path / "Pictures" / "Archive"), True)  # inside a library folder: fine
    assert s.protected == [str(tmp_path / "Pictures" / "Archive")]
    with pytest.raises(NotInLibrary, match="not in the library"):
        s.set_protected(str(tmp_path / "Elsewhere"), True)
    with pytest.raises(NotInLibrary, match="inside the library folder"):
        s.remove_folder(str(tmp_path / "Pictures" / "Archive"))
    s.remove_folder(str(tmp_path / "Pictures"))  # its protected folders go with it
    assert s.folders == [] and s.protected == []


def test_folders_a_parent_took_in_come_back_with_their_protection_when_it_goes(tmp_path: Path) -> None:
    """A new-user review: 'library add /tmp' took in the library's folder under it, and
    'library remove /tmp' then left a library of no folders, its protection gone unasked."""
    photos, old = str(tmp_path / "t" / "photos"), str(tmp_path / "t" / "photos" / "old")
    skagen = str(tmp_path / "t" / "photos" / "Skagen")
    os.makedirs(old)
    os.makedirs(skagen)
    s = Settings(folders=[old])
    assert s.add_folder(photos)  # takes in old
    s.set_protected(skagen, True)
    assert s.add_folder(str(tmp_path / "t"))  # takes in photos (old inside it)
    assert s.folders == [str(tmp_path / "t")]
    assert s.remove_folder(str(tmp_path / "t")) == [photos]  # the outermost comes back
    assert s.folders == [photos] and s.protected == [skagen]
    assert s.remove_folder(photos) == [old]  # and then the one it had taken in
    assert s.folders == [old] and s.protected == [] and s.taken_in == []
    gone = str(tmp_path / "u" / "gone")  # one removed from the disk since does not come back
    s = Settings(folders=[gone])
    assert s.add_folder(str(tmp_path / "u"))
    assert s.remove_folder(str(tmp_path / "u")) == [] and s.folders == [] and s.taken_in == []


def test_the_whole_disk_is_no_library_folder() -> None:
    """Found by a review: 'photoorg library add /' was taken without a word (a scan would list
    the system's files, /proc too)."""
    from photoorg.core.errors import NotInLibrary

    with pytest.raises(NotInLibrary, match="is the whole disk"):
        Settings().add_folder("/")


def test_group_names_of_photoorg_0_1_are_handed_over_once(where: Locations) -> None:
    from photoorg.core.settings import take_legacy_group_names, update_settings

    settings_path(where).write_text(
        json.dumps({"schema_version": 1, "folders": ["/p"], "group_names": {"ab12": "Holiday"}})
    )
    update_settings(where, lambda s: s.add_folder("/q"))  # an unrelated change keeps them
    kept: list[dict[str, str]] = []
    assert take_legacy_group_names(where, kept.append) == 1
    assert kept == [{"ab12": "Holiday"}]
    assert "group_names" not in json.loads(settings_path(where).read_text())
    assert take_legacy_group_names(where, kept.append) == 0 and load_settings(where).folders == ["/p", "/q"]


def test_a_trash_or_photoorgs_own_folder_is_no_library_folder(tmp_path: Path, monkeypatch) -> None:
    """A new-user review: 'library add .../.Trash-1000/files' was taken, and the duplicates'
    keeper was then the copy in the trash, the library's own planned for the trash."""
    from photoorg.core.errors import NotInLibrary
    from photoorg.core.library import Library

    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    trash = tmp_path / "disk" / ".Trash-1000" / "files"
    trash.mkdir(parents=True)
    with Library(locations()) as library:
        with pytest.raises(NotInLibrary, match="inside a trash"):
            library.add_folders([str(trash)])
        with pytest.raises(NotInLibrary, match="inside photoorg's own folders"):
            library.add_folders([str(library.where.data)])
        assert library.add_folders([str(tmp_path / "disk")]) == [str(tmp_path / "disk")]  # above it: fine
        assert library.saved_settings.folders == [str(tmp_path / "disk")]
