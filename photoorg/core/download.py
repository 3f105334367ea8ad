"""The model download from the Hugging Face hub: its size, the room for it, progress, checks.

The only network access photoorg makes. It goes through huggingface_hub's ``snapshot_download``
into the Hugging Face cache (``HF_ENDPOINT``, ``HF_HUB_OFFLINE`` and the timeouts
``HF_HUB_ETAG_TIMEOUT`` / ``HF_HUB_DOWNLOAD_TIMEOUT`` apply as usual), and adds what a person
needs around it:

- the size is read from the hub (the files' sizes) before anything is fetched, and the
  download is refused with the numbers when the disk has no room for it;
- progress in bytes, and Cancel (and Ctrl+C) stop the transfer at the next chunk;
- every downloaded file is checked against the checksum the hub gave for it (its ETag: the
  sha256 of a weights file, the git blob id of a small one); a damaged file is deleted, never
  loaded; a cached snapshot is checked once (then remembered by size and time) before use;
- failures become one sentence saying what happened and what to do; nothing half-written is
  ever used: huggingface_hub writes each file to a temporary name and renames it only once it
  has the full size, and temporary files that a killed download left behind are removed.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from photoorg.core.errors import Cancelled, ModelNotCached, ModelUnavailable
from photoorg.core.humanize import human_bytes
from photoorg.core.model_checks import remove_abandoned_files, verify
from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)

WEIGHT_PATTERNS = ("*.json", "*.safetensors")
STAGE_DOWNLOAD = "Downloading the model"
_ROOM_MARGIN = 1_000_000  # the cache's small files (refs, locks, listing) need a little more


@dataclass(frozen=True)
class HubFile:
    path: str
    size: int
    checksum: str  # sha256 (weights, LFS) or git blob id (small files): the name of its blob


@dataclass(frozen=True)
class HubModel:
    """A model's files on the hub at one commit, as far as photoorg downloads them."""

    name: str
    commit: str
    files: tuple[HubFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def hf_cache(cache_dir: str | os.PathLike[str] | None) -> Path:
    from huggingface_hub import constants

    return Path(cache_dir if cache_dir is not None else constants.HF_HUB_CACHE).expanduser()


def model_folder(name: str, cache_dir: str | os.PathLike[str] | None) -> Path:
    """The cache folder of a hub model (``models--owner--name``): blobs, snapshots, refs."""
    from huggingface_hub.file_download import repo_folder_name

    return hf_cache(cache_dir) / repo_folder_name(repo_id=name, repo_type="model")


#: What a download costs, for the models a person can pick (settings.MODEL_CHOICES).
DOWNLOAD_SIZES = {
    "facebook/dinov2-small": "about 90 MB",
    "facebook/dinov2-base": "about 350 MB",
    "facebook/dinov2-large": "about 1.2 GB",
}


def size_of(name: str) -> str:
    """ " (about 350 MB)" for a model of known size, else "" (a review: the message gave
    dinov2-base's size for dinov2-small)."""
    return f" ({DOWNLOAD_SIZES[name]})" if name in DOWNLOAD_SIZES else ""


def offline_help(name: str, why: str = "no connection to the Hugging Face hub") -> str:
    return (
        f"The model '{name}' is not on this computer and cannot be downloaded ({why}). "
        f"Connect to the internet once so photoorg can download it{size_of(name)}, "
        "or copy a downloaded model folder (config.json, "
        "preprocessor_config.json, model.safetensors) to this computer and run "
        "'photoorg --model /path/to/folder ...'."
    )


def _no_telemetry() -> None:
    """photoorg downloads the model and nothing else: huggingface_hub would also fetch a list
    of "agent harnesses" and send the torch version with every request unless this is off."""
    from huggingface_hub import constants

    constants.HF_HUB_DISABLE_TELEMETRY = True


def _check_online(name: str) -> None:
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        raise ModelNotCached(name, offline_help(name, "downloads are turned off: HF_HUB_OFFLINE"), True)
    if not _hub_reachable(constants.ENDPOINT):
        raise ModelNotCached(name, offline_help(name), True)


def _hub_reachable(endpoint: str, timeout: float = 3.0) -> bool:
    """Whether the hub's address answers at all, so an offline computer fails in seconds."""
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(endpoint)
    host = parsed.hostname or "huggingface.co"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def hub_model(name: str) -> HubModel:
    """The files photoorg would download for ``name``, with sizes and checksums (one request).

    Raises:
        ModelNotCached: offline (no connection, or downloads turned off).
        ModelUnavailable: the hub does not have the model, or answered with an error.
    """
    from huggingface_hub import HfApi, constants

    _check_online(name)
    _no_telemetry()
    try:
        info = HfApi().model_info(name, files_metadata=True, timeout=constants.HF_HUB_ETAG_TIMEOUT)
    except Exception as exc:
        raise _download_error(name, exc, None) from exc
    files = []
    for s in info.siblings or []:
        if not any(fnmatch(s.rfilename, p) for p in WEIGHT_PATTERNS) or "/" in s.rfilename:
            continue
        checksum = s.lfs.sha256 if s.lfs is not None else s.blob_id
        files.append(HubFile(s.rfilename, int(s.lfs.size if s.lfs else s.size or 0), checksum or ""))
    if info.sha is None or not files:
        raise ModelUnavailable(f"The Hugging Face hub lists no model files for '{name}'.")
    return HubModel(name, info.sha, tuple(files))


def still_to_download(model: HubModel, cache_dir: str | os.PathLike[str] | None) -> int:
    """Bytes of ``model`` that are not in the cache yet."""
    blobs = model_folder(model.name, cache_dir) / "blobs"
    return sum(f.size for f in model.files if not (blobs / f.checksum).is_file())


def download_size(name: str, cache_dir: str | os.PathLike[str] | None = None) -> int:
    """What downloading ``name`` would fetch, in bytes, as the hub says (asked before a download)."""
    return still_to_download(hub_model(name), cache_dir)


def download(
    name: str, cache_dir: str | os.PathLike[str] | None = None, progress: Progress = NULL_PROGRESS
) -> Path:
    """Download the hub model ``name`` into the cache and check it; its snapshot folder.

    Progress is counted in bytes (``progress.unit == "B"``). Cancel stops at the next chunk and
    raises :class:`Cancelled`; what was being written is removed.

    Raises:
        ModelNotCached: offline.
        ModelUnavailable: the download failed or a file arrived damaged (one sentence each).
        Cancelled: the person cancelled (Ctrl+C raises KeyboardInterrupt as usual).
    """
    model = hub_model(name)
    folder = model_folder(name, cache_dir)
    remove_abandoned_files(folder)
    need = still_to_download(model, cache_dir)
    _check_room(name, folder, need)
    log.info("downloading %s (%s of %s) into %s", name, need, model.size, folder)
    progress.start_stage(STAGE_DOWNLOAD, need, unit="B")
    stop = threading.Event()
    outcome: dict[str, Any] = {}

    def fetch() -> None:
        from huggingface_hub import snapshot_download

        try:
            outcome["folder"] = snapshot_download(
                name,
                cache_dir=cache_dir,
                allow_patterns=list(WEIGHT_PATTERNS),
                tqdm_class=_progress_bars(progress, stop),
            )
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    # In a thread of its own, so that Ctrl+C in a terminal stops the transfer at once instead
    # of waiting for huggingface_hub's download threads to finish the whole file.
    worker = threading.Thread(target=fetch, name="model-download", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
            # Cancel takes effect now, even when the connection is stalled and no chunk comes
            # to stop at: the transfer ends by itself at its next chunk or time-out, and
            # huggingface_hub removes its temporary file then.
            progress.check()
    except BaseException:
        stop.set()
        worker.join(5.0)
        raise
    error = outcome.get("error")
    if isinstance(error, Cancelled | KeyboardInterrupt):
        log.info("download of %s cancelled", name)
        raise error
    if error is not None:
        log.warning("download of %s failed", name, exc_info=error)
        raise _download_error(name, error, folder, need) from error
    snapshot = Path(outcome["folder"])
    verify(snapshot, name)
    return snapshot


def _progress_bars(progress: Progress, stop: threading.Event) -> type:
    """A tqdm class for snapshot_download that counts bytes written into ``progress``.

    snapshot_download makes a bar of files and two bars of bytes from it (bytes received and
    bytes written, the same count over plain HTTP); the larger count of bytes is reported.
    """
    from tqdm.auto import tqdm

    lock = threading.Lock()
    counts: dict[int, int] = {}

    class _Bytes(tqdm):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True  # photoorg draws its own progress
            super().__init__(*args, **kwargs)
            self._bytes = kwargs.get("unit") == "B"
            self._count = 0  # a disabled tqdm counts nothing itself

        def update(self, n: float | None = 1) -> bool | None:
            if stop.is_set():
                raise Cancelled()
            self._count += int(n or 0)
            if self._bytes:
                with lock:
                    counts[id(self)] = self._count
                    done = max(counts.values())
                    progress.advance(done - progress.done)  # raises Cancelled once cancelled
            return None

    return _Bytes


def _check_room(name: str, folder: Path, need: int) -> None:
    where = folder
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free
    if need and free < need + _ROOM_MARGIN:
        raise ModelUnavailable(_no_room(name, folder, need, free))


def _no_room(name: str, folder: Path, need: int, free: int | None) -> str:
    has = f"; {human_bytes(free)} are free there" if free is not None else ""
    return (
        f"There is not enough free space to download the model '{name}' into {folder}: it needs "
        f"{human_bytes(need)}{has}. Nothing was kept of the download. Free up space on that disk, "
        "or set HF_HOME to a folder on a disk with more room, and try again."
    )


def _download_error(name: str, exc: BaseException, folder: Path | None, need: int = 0) -> ModelUnavailable:
    """One sentence for a failed download, from what huggingface_hub raised."""
    try:
        import httpx2 as httpx  # huggingface_hub 2.x
    except ImportError:  # pragma: no cover - huggingface_hub 1.x uses httpx
        import httpx  # type: ignore[no-redef]
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 8:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in chain:
        if isinstance(e, OSError) and e.errno == errno.ENOSPC and folder is not None:
            where = folder if folder.exists() else folder.parent
            free = shutil.disk_usage(where).free if where.exists() else None
            return ModelUnavailable(_no_room(name, folder, need, free))
    for e in chain:
        if isinstance(e, RepositoryNotFoundError | GatedRepoError):
            return ModelUnavailable(
                f"The Hugging Face hub has no model '{name}' that photoorg may download. Check the "
                "model name, or point photoorg at a local model folder with --model."
            )
    why = "the connection broke off"
    for e in chain:
        if isinstance(e, HfHubHTTPError) and e.response is not None:
            why = f"the Hugging Face hub answered with an error ({e.response.status_code})"
            break
        if isinstance(e, httpx.TimeoutException):
            why = "the Hugging Face hub stopped sending data"
            break
        if isinstance(e, httpx.ConnectError):
            why = "the Hugging Face hub could not be reached"
            break
        if isinstance(e, OSError) and "Consistency check failed" in str(e):
            why = "a file arrived incomplete"
            break
    return ModelUnavailable(
        f"Downloading the model '{name}' did not work: {why}. Nothing half-downloaded is kept "
        "or used. Try again in a moment; it starts over."
    )
