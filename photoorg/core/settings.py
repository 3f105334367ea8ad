"""The person's settings: library folders, model, thresholds. One JSON file with a schema version.

Qt-free, so the CLI and tests read the same file the app writes. A file that cannot be read
(bad JSON, written by a newer photoorg) is set aside, never deleted, and defaults are used.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from photoorg.core.duplicates import DuplicateSettings
from photoorg.core.embedder import DEFAULT_MODEL, DEVICES
from photoorg.core.grouping import GroupSettings
from photoorg.core.keeper import KeeperPolicy
from photoorg.core.paths import Locations

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
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
    same_threshold: float = DuplicateSettings.same_threshold
    similar_threshold: float = DuplicateSettings.similar_threshold
    min_group_size: int = GroupSettings.min_group_size
    exclude: list[str] = field(default_factory=list)
    #: Group names the person gave, keyed by the fingerprint of the group's most central photo.
    group_names: dict[str, str] = field(default_factory=dict)
    #: "Not now" on the model download question: scan for exact duplicates only.
    model_declined: bool = False

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}")
        self.duplicate_settings()  # validates the thresholds
        self.group_settings()

    def duplicate_settings(self) -> DuplicateSettings:
        return DuplicateSettings(same_threshold=self.same_threshold, similar_threshold=self.similar_threshold)

    def group_settings(self) -> GroupSettings:
        return GroupSettings(min_group_size=self.min_group_size)

    def keeper_policy(self) -> KeeperPolicy:
        return KeeperPolicy(protected=tuple(self.protected))

    def add_folder(self, folder: str) -> bool:
        """Add a library folder; False when it (or a folder above it) is already there."""
        folder = os.path.abspath(folder)
        if any(folder == f or folder.startswith(f.rstrip(os.sep) + os.sep) for f in self.folders):
            return False
        # A new parent folder replaces the folders inside it.
        self.folders = [f for f in self.folders if not f.startswith(folder.rstrip(os.sep) + os.sep)]
        self.folders.append(folder)
        self.folders.sort()
        return True

    def remove_folder(self, folder: str) -> None:
        self.folders = [f for f in self.folders if f != folder]
        self.protected = [p for p in self.protected if p != folder]

    def set_protected(self, folder: str, protected: bool) -> None:
        others = [p for p in self.protected if p != folder]
        self.protected = sorted([*others, folder]) if protected else others


def settings_path(where: Locations) -> Path:
    return where.config / FILE_NAME


def load_settings(where: Locations) -> Settings:
    """The saved settings, or defaults when there are none or they cannot be used."""
    path = settings_path(where)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.error("cannot read the settings %s (%s); using defaults", path, exc)
        return Settings()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        version = data.pop("schema_version", None)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ValueError(f"schema version {version!r}, this photoorg reads up to {SCHEMA_VERSION}")
        known = {f.name for f in fields(Settings)}
        return Settings(**{k: v for k, v in data.items() if k in known})
    except (ValueError, TypeError) as exc:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{FILE_NAME}.unusable-{stamp}")
        n = 1
        while aside.exists():  # never replace an earlier one
            aside = path.with_name(f"{FILE_NAME}.unusable-{stamp}-{n}")
            n += 1
        os.rename(path, aside)
        log.error("the settings file %s was unusable (%s); kept it as %s, using defaults", path, exc, aside)
        return Settings()


def save_settings(where: Locations, settings: Settings) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    path = settings_path(where)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{FILE_NAME}.tmp")
    tmp.write_text(
        json.dumps({"schema_version": SCHEMA_VERSION, **asdict(settings)}, indent=2), encoding="utf-8"
    )
    os.replace(tmp, path)
