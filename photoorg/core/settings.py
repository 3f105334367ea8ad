"""The person's settings: library folders, protected folders, model, thresholds. One JSON file
with a schema version, shared by the app and the command line.

Qt-free. Every default lives in :class:`Settings` (whose thresholds come from the core's own
settings dataclasses); the command line lays its flags over the saved settings for one run
and never keeps defaults of its own. A file that cannot be read (bad JSON, written by a newer
photoorg) is set aside, never deleted, and defaults are used. Changes are read-modify-write
under a short lock, so the app and a command line editing at the same time lose nothing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from photoorg.core.clustering import GroupSettings
from photoorg.core.devices import DEVICES, DTYPES
from photoorg.core.duplicate_settings import DuplicateSettings
from photoorg.core.errors import NotInLibrary
from photoorg.core.keeper import DEFAULT_RULES, EARLIER_DEFAULT_RULES, KeeperPolicy
from photoorg.core.lock import LibraryLock
from photoorg.core.model_folder import DEFAULT_MODEL, PREPROCESS_CHOICES
from photoorg.core.paths import Locations, containing, is_under, set_aside

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
FILE_NAME = "settings.json"

#: The DINOv2 sizes a person can pick, with the download size they cost.
MODEL_CHOICES = {
    "facebook/dinov2-small": "small (about 90 MB, fastest)",
    "facebook/dinov2-base": "base (about 350 MB, recommended)",
    "facebook/dinov2-large": "large (about 1.2 GB, slowest)",
}


@dataclass
class Settings:
    """Every field is something the person chose (or its default)."""

    folders: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    model: str = DEFAULT_MODEL  # a hub id from MODEL_CHOICES or a local folder
    device: str = "auto"
    dtype: str = "auto"
    #: How photos are prepared for the model: "auto" goes on with the version the library's
    #: vectors were made with (the newest for a new library), or a version number.
    preprocess: str = "auto"
    same_threshold: float = DuplicateSettings.same_threshold
    similar_threshold: float = DuplicateSettings.similar_threshold
    #: "Same image" also needs the aligned pictures to differ nowhere by more than this (0..1).
    same_max_local_change: float = DuplicateSettings.same_max_local_change
    #: Offer the JPEG beside a RAW of the same shot as a duplicate (off: the pair is one shot).
    offer_raw_jpegs: bool = DuplicateSettings.offer_raw_jpegs
    min_group_size: int = GroupSettings.min_group_size
    group_method: str = GroupSettings.method
    exclude: list[str] = field(default_factory=list)
    keeper_rules: list[str] = field(default_factory=lambda: list(DEFAULT_RULES))
    preferred: list[str] = field(default_factory=list)  # folders whose copies are kept when all else is equal
    #: "Not now" on the model download question: scan for exact duplicates only.
    model_declined: bool = False
    #: Library folders that a folder added above them took in: taking that folder out of the
    #: library makes them library folders again, their protection kept (a new-user review:
    #: 'library add /tmp' then 'library remove /tmp' left no folder, and no protection).
    taken_in: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}")
        if self.preprocess not in PREPROCESS_CHOICES:
            raise ValueError(f"preprocess must be one of {', '.join(PREPROCESS_CHOICES)}")
        if not isinstance(self.offer_raw_jpegs, bool):
            raise ValueError("offer_raw_jpegs must be true or false")
        self.duplicate_settings()  # validates the thresholds
        self.group_settings()
        self.keeper_policy()

    def duplicate_settings(self) -> DuplicateSettings:
        return DuplicateSettings(
            same_threshold=self.same_threshold,
            similar_threshold=self.similar_threshold,
            same_max_local_change=self.same_max_local_change,
            offer_raw_jpegs=self.offer_raw_jpegs,
        )

    def group_settings(self) -> GroupSettings:
        return GroupSettings(min_group_size=self.min_group_size, method=self.group_method)

    def keeper_policy(self) -> KeeperPolicy:
        return KeeperPolicy(
            rules=tuple(self.keeper_rules),
            protected=tuple(self.protected),
            preferred=tuple(self.preferred),
            library=tuple(self.folders),
        )

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (None values are left out: "not given on the command line")."""
        data = asdict(self)
        data.update({k: v for k, v in changes.items() if v is not None})
        return Settings(**data)

    def assign(self, **values: Any) -> None:
        """Set these fields in place (what a change_settings / update_settings callback does)."""
        for name, value in values.items():
            if name not in self.__dataclass_fields__:
                raise AttributeError(f"no setting {name!r}")
            setattr(self, name, value)

    # -- folders ---------------------------------------------------------------------------
    def library_folder_of(self, path: str) -> str | None:
        """The library folder that holds ``path`` (or is it), or None."""
        return containing(os.path.abspath(path), self.folders)

    def add_folder(self, folder: str) -> bool:
        """Add a library folder; False when it (or a folder above it) is already there."""
        folder = os.path.abspath(folder)
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise NotInLibrary(f"{folder} is not a folder; the library is made of folders.")
        if os.path.dirname(folder) == folder:  # "/" (or "C:\\"): the system's files too
            raise NotInLibrary(
                f"{folder} is the whole disk, system files too; add the folders that hold photos."
            )
        if is_under(folder, self.folders):
            return False
        # A new parent folder replaces the folders inside it; their protection stays, and they
        # come back if it goes.
        inside = [f for f in self.folders if is_under(f, [folder])]
        self.taken_in = sorted({*self.taken_in, *inside})
        self.folders = sorted([f for f in self.folders if f not in inside] + [folder])
        return True

    def remove_folder(self, folder: str) -> list[str]:
        """Take a library folder out of the library (its photos are not touched); the library
        folders it took in when it was added are library folders again, with their protection.
        Returns those."""
        folder = os.path.abspath(folder)
        if folder not in self.folders:
            raise NotInLibrary(self._not_a_library_folder(folder))
        # (a folder removed from the disk since is not one to come back: a hostile review)
        within = [t for t in self.taken_in if t != folder and is_under(t, [folder]) and os.path.isdir(t)]
        back = [t for t in within if not is_under(t, [o for o in within if o != t])]  # the outermost
        inside = [t for t in self.taken_in if t != folder and is_under(t, [folder])]
        self.taken_in = [t for t in self.taken_in if t not in back and (t in within or t not in inside)]
        self.folders = sorted([f for f in self.folders if f != folder] + back)
        self.protected = [p for p in self.protected if not is_under(p, [folder]) or is_under(p, back)]
        return back

    def set_protected(self, folder: str, protected: bool) -> None:
        """Protect a library folder or any folder inside one (its photos are never proposed for
        removal, trashed or moved), or take the protection away."""
        folder = os.path.abspath(folder)
        if protected and self.library_folder_of(folder) is None:
            raise NotInLibrary(
                f"{folder} is not in the library; add it first (photoorg library add {folder} --protect)."
            )
        if not protected and folder not in self.protected:
            above = containing(folder, self.protected)
            if above is not None:
                raise NotInLibrary(f"{folder} is protected because {above} is; unprotect {above}.")
        others = [p for p in self.protected if p != folder]
        self.protected = sorted([*others, folder]) if protected else others

    def set_preferred(self, folder: str, preferred: bool) -> None:
        """Prefer the copies in a folder of the library (kept when all else is equal: the
        keeper's preferred_folder rule), or stop preferring them."""
        folder = os.path.abspath(folder)
        if preferred and self.library_folder_of(folder) is None:
            raise NotInLibrary(f"{folder} is not in the library; add it first.")
        others = [p for p in self.preferred if p != folder]
        self.preferred = sorted([*others, folder]) if preferred else others

    def _not_a_library_folder(self, folder: str) -> str:
        holder = self.library_folder_of(folder)
        if holder is not None:
            return (
                f"{folder} is inside the library folder {holder}, not a library folder of its own; "
                f"remove {holder}, or leave {folder} out with an exclude pattern."
            )
        return f"{folder} is not one of the library's folders ('photoorg library list' shows them)."


def settings_path(where: Locations) -> Path:
    return where.config / FILE_NAME


def _read(where: Locations) -> dict[str, Any] | None:
    """The settings file's JSON object, None when there is none; sets an unusable one aside."""
    path = settings_path(where)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.error("cannot read the settings %s (%s); using defaults", path, exc)
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        version = data.get("schema_version", None)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ValueError(f"schema version {version!r}, this photoorg reads up to {SCHEMA_VERSION}")
    except (ValueError, TypeError) as exc:
        aside = set_aside(path, str(exc))
        log.error("the settings file %s was unusable (%s); kept it as %s, using defaults", path, exc, aside)
        return None
    try:
        _settings_from(data)  # validates
        return data
    except (ValueError, TypeError):
        pass
    # One value out of range (a hand edit, a newer photoorg's) made every setting the default,
    # the library's folders and protected folders too, and a trash went through a folder that
    # had been protected. Only the values that cannot be used go; the others stand.
    kept, dropped = _usable_fields(data)
    aside = set_aside(path, f"unusable values: {', '.join(dropped)}")
    known = {f.name for f in fields(Settings)}
    save_settings(where, _settings_from(kept), {k: v for k, v in kept.items() if k not in known})
    log.error(
        "the settings %s in %s cannot be used (the file as it was is kept as %s); they are at "
        "their defaults, the other settings stand",
        ", ".join(f"{k}={data[k]!r}" for k in dropped),
        path,
        aside,
    )
    return kept


def _usable_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The settings of ``data`` that can be used with the others, and the names of those that
    cannot (each tried on top of the ones kept so far)."""
    known = {f.name for f in fields(Settings)}
    kept = {k: v for k, v in data.items() if k not in known}  # unknown keys travel as they were
    dropped: list[str] = []
    for key in (f.name for f in fields(Settings) if f.name in data):
        try:
            _settings_from({**kept, key: data[key]})
        except (ValueError, TypeError):
            dropped.append(key)
        else:
            kept[key] = data[key]
    return kept, dropped


def _settings_from(data: dict[str, Any]) -> Settings:
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in data.items() if k in known}
    rules = values.get("keeper_rules")
    if isinstance(rules, list) and tuple(rules) in EARLIER_DEFAULT_RULES:
        values["keeper_rules"] = list(DEFAULT_RULES)  # never changed: today's defaults
    return Settings(**values)


def load_settings(where: Locations) -> Settings:
    """The saved settings, or defaults when there are none or they cannot be used."""
    data = _read(where)
    return Settings() if data is None else _settings_from(data)


def save_settings(where: Locations, settings: Settings, extra: dict[str, Any] | None = None) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one.

    ``extra``: keys this photoorg does not know, kept as they were (see :func:`update_settings`).
    """
    path = settings_path(where)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{FILE_NAME}.{os.getpid()}.tmp")
    data = {**(extra or {}), "schema_version": SCHEMA_VERSION, **asdict(settings)}
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _settings_lock(where: Locations) -> LibraryLock:
    return LibraryLock(settings_path(where).with_name(FILE_NAME + ".lock"))


def _unknown(data: dict[str, Any] | None) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)} | {"schema_version"}
    return {k: v for k, v in (data or {}).items() if k not in known}


def update_settings(where: Locations, change: Callable[[Settings], object]) -> Settings:
    """Read the saved settings afresh, apply ``change(settings)`` and save them, under a lock,
    so that a change made meanwhile by another photoorg (the app, a terminal) is kept, and so
    are keys this photoorg does not know (group names an older photoorg kept there, until the
    catalog has taken them)."""
    with _settings_lock(where).holding():
        data = _read(where)
        settings = Settings() if data is None else _settings_from(data)
        change(settings)
        save_settings(where, settings, _unknown(data))
    return settings


def take_legacy_group_names(where: Locations, keep: Callable[[dict[str, str]], None]) -> int:
    """Hand the group names photoorg 0.1 kept in settings.json (keyed by the fingerprint of a
    group's central photo) to ``keep`` (the catalog), then remove them from the file. Returns
    how many there were."""
    with _settings_lock(where).holding():
        data = _read(where)
        if not data or "group_names" not in data:
            return 0
        raw = data.get("group_names") or {}
        names = {str(k): str(v) for k, v in raw.items() if isinstance(v, str) and v.strip()}
        if names:
            keep(names)
        extra = _unknown(data)
        extra.pop("group_names", None)
        save_settings(where, _settings_from(data), extra)
    return len(names)


def settings_stamp(where: Locations) -> tuple[int, int] | None:
    """Changes whenever the settings file is written (to re-read it only when needed)."""
    try:
        st = settings_path(where).stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino)
