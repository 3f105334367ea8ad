"""Checks of a downloaded model in the Hugging Face cache: every file against the checksum the
hub gave for it (once per file), and the temporary files of downloads that were killed. Split
out of :mod:`photoorg.core.download`."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

from photoorg.core.errors import ModelUnavailable

log = logging.getLogger(__name__)

VERIFIED_FILE = "photoorg-verified.json"  # in the model's cache folder: files already checked
_SHA256 = re.compile(r"[0-9a-f]{64}")
_GIT_SHA1 = re.compile(r"[0-9a-f]{40}")


def _blob_checksum(path: Path, expected: str) -> str | None:
    """The checksum of ``path`` computed the way ``expected`` was (sha256 or git blob id)."""
    if _SHA256.fullmatch(expected):
        h = hashlib.sha256()
    elif _GIT_SHA1.fullmatch(expected):
        h = hashlib.sha1(usedforsecurity=False)
        h.update(b"blob %d\0" % path.stat().st_size)
    else:
        return None
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def verify(snapshot: Path, name: str) -> None:
    """Check every file of a cached hub snapshot against its checksum, once per file.

    In the Hugging Face cache a snapshot's files point to blobs named by the checksum the hub
    gave (the ETag); a file whose content does not match is deleted, with its blob, so that
    nothing ever loads it and the next download fetches it again.

    Raises:
        ModelUnavailable: a file is damaged (it has been removed).
    """
    record_path = snapshot.parent.parent / VERIFIED_FILE
    try:
        record = json.loads(record_path.read_text())
    except (OSError, ValueError):
        record = {}
    changed = False
    for entry in sorted(snapshot.iterdir()):
        blob = entry.resolve()
        expected = blob.name
        if not blob.is_file():
            continue
        st = blob.stat()
        stamp = [st.st_size, st.st_mtime_ns]
        if record.get(expected) == stamp:
            continue
        actual = _blob_checksum(blob, expected)
        if actual is None:
            log.info("%s: no checksum to compare with (blob %s)", entry, expected)
            continue
        if actual != expected:
            log.warning("%s is damaged: checksum %s, expected %s", entry, actual, expected)
            for path in (entry, blob):
                path.unlink(missing_ok=True)
            raise ModelUnavailable(
                f"The downloaded file {entry.name} of the model '{name}' is damaged (its content does "
                "not match the checksum the Hugging Face hub gave for it), so it was deleted and "
                "not used. Download the model again."
            )
        record[expected] = stamp
        changed = True
    if changed:
        try:
            record_path.write_text(json.dumps(record))
        except OSError as exc:  # a read-only cache: checked again next time
            log.info("cannot remember the checked files in %s: %s", record_path, exc)


def remove_abandoned_files(folder: Path) -> None:
    """Remove the temporary files of downloads that were killed (``blobs/<etag>.<id>.incomplete``).

    huggingface_hub holds ``.locks/<repo>/<etag>.lock`` while it writes one; a file whose lock
    is free belongs to no running download.
    """
    from filelock import FileLock, Timeout

    blobs = folder / "blobs"
    if not blobs.is_dir():
        return
    locks = folder.parent / ".locks" / folder.name
    for tmp in blobs.glob("*.incomplete"):
        etag = tmp.name.split(".")[0]
        lock = FileLock(str(locks / f"{etag}.lock"), timeout=0)
        try:
            with lock:
                tmp.unlink(missing_ok=True)
                log.info("removed %s, left by a download that did not finish", tmp)
        except (Timeout, OSError):
            continue
