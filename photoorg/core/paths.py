"""Where photoorg keeps its files.

platformdirs gives the per-OS locations. ``PHOTOORG_HOME`` (or ``--home``) moves every one of
them under a single folder, which tests and portable installs use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "PHOTOORG_HOME"
APP_NAME = "photoorg"


@dataclass(frozen=True)
class Locations:
    """The folders photoorg writes to."""

    cache: Path
    config: Path
    logs: Path
    own_home: bool = False  # chosen with --home / $PHOTOORG_HOME rather than the per-user folders

    @property
    def catalog(self) -> Path:
        return self.cache / "catalog.sqlite3"

    @property
    def models(self) -> Path:
        """Hugging Face download cache for model weights."""
        return self.cache / "models"

    @property
    def model_cache(self) -> Path | None:
        """Where model weights are downloaded: under an own home, else Hugging Face's shared
        cache (None), so a model other tools downloaded is found."""
        return self.models if self.own_home else None

    def ensure(self) -> Locations:
        for folder in (self.cache, self.config, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def locations(home: str | os.PathLike[str] | None = None) -> Locations:
    """Return the folders to use: ``home`` argument, then $PHOTOORG_HOME, then platformdirs."""
    home = home or os.environ.get(ENV_HOME) or None
    if home:
        root = Path(home).expanduser().absolute()
        return Locations(cache=root / "cache", config=root / "config", logs=root / "logs", own_home=True)
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Locations(
        cache=Path(dirs.user_cache_dir),
        config=Path(dirs.user_config_dir),
        logs=Path(dirs.user_log_dir),
    )
