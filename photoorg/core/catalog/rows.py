"""What the catalog's rows are to the rest of photoorg: fingerprints, paths as stored, and the
records its queries return."""

from __future__ import annotations

import hashlib
import json
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from photoorg.core.videos import VIDEO_FORMATS

#: ``taken_from`` of a date taken from the photo's name (photoorg.core.name_dates); a sidecar's
#: name there always ends in .xmp or .json, so the two are never confused.
FROM_NAME = "its name"


def fingerprint(data: bytes) -> str:
    """Content fingerprint of a whole file's bytes: BLAKE2b-128, hex."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint_file(path: str) -> str:
    """The same fingerprint, reading the file in 1 MB chunks."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def said(text: str) -> str:
    """An action's summary as the catalog keeps it: words for a person, so a byte of a name that
    is not valid UTF-8 (a lone surrogate, which SQLite refuses) becomes U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def path_to_db(path: str) -> str | bytes:
    """Paths that cannot be UTF-8 encoded (undecodable names) are stored as their raw bytes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def path_from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def opt_path_from_db(value: str | bytes | None) -> str | None:
    return None if value is None else path_from_db(value)


@dataclass(slots=True)
class FileState:
    """What the catalog last recorded about a path."""

    id: int
    size: int
    mtime_ns: int
    fingerprint: str | None
    failure: str | None
    sidecars_seen: int | None = None  # what its date sidecars were when dated (scanner.FileRecord)
    dated_in_file: bool = False  # its date taken is its own (EXIF), not a sidecar's


@dataclass(slots=True)
class FileRow:
    """One photo's row, as written after a scan step."""

    path: str
    size: int
    mtime_ns: int
    fingerprint: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    taken: str | None = None
    camera: str | None = None
    failure: str | None = None
    taken_from: str | None = None  # the sidecar that gave ``taken`` (sidecar_dates), or
    # name_dates.FROM_NAME for its name's date; None: the photo's own (EXIF)
    sidecars_seen: int | None = None
    taken_known: str | None = None  # "year" or "month" when the sidecar says no more; None: the day

    def to_json(self) -> str:
        keys = ("path", "size", "mtime_ns", "fingerprint", "width", "height", "format", "taken", "camera")
        keys += ("taken_from", "sidecars_seen", "taken_known")
        kept = {k: getattr(self, k) for k in keys}
        if self.failure is not None:  # a file the scan could not read: catalogued so again on undo
            kept["failure"] = self.failure
        return json.dumps(kept)

    @classmethod
    def from_json(cls, text: str) -> FileRow:
        return cls(**json.loads(text))


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """A catalogued photo, as groups and duplicate sets describe it."""

    path: str
    fingerprint: str
    size: int
    mtime_ns: int
    width: int | None
    height: int | None
    format: str | None
    taken: str | None
    camera: str | None
    phash: int | None
    tone: tuple[float, ...] | None = None  # mean R, G, B and detail (pixel_hashes.tone)
    taken_from: str | None = None  # the sidecar ``taken`` is from (sidecar_dates), or
    # name_dates.FROM_NAME for its name's date; None: the photo's own (EXIF)
    taken_known: str | None = None  # "year" or "month": ``taken`` is its first day; None: the day

    @property
    def own_date(self) -> bool:
        """Whether ``taken`` is the photo's own (its EXIF), not a sidecar's or its name's."""
        return self.taken is not None and self.taken_from is None

    @property
    def dated_by_name(self) -> bool:
        """Whether ``taken`` is what the photo's name says (IMG-20190714-WA0003.jpg)."""
        return self.taken is not None and self.taken_from == FROM_NAME

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)

    @property
    def is_video(self) -> bool:
        return self.format in VIDEO_FORMATS

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # Pickled as its fields in order: a library's state (100k of these) reaches the app
        # 40% sooner than by the slots' state (a scale review: 1.5 s to unpickle, with the
        # app's GIL held, three times as the app starts).
        return PhotoInfo, _photo_fields(self)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: int
    key: str
    name: str
    revision: str
    dtype: str
    dim: int


@dataclass(frozen=True)
class BatchInfo:
    """One file action as ``history`` lists it."""

    id: int
    action: str
    summary: str
    created: float
    undone: float | None
    files: int  # files it moved, trashed or copied
    undone_files: int = 0
    not_undone: int = 0  # files an undo could not put back (see the journal's undo_error)
    changes: int = 0  # changes to the groups, albums or decisions (no file moves in such an action)

    @property
    def extent(self) -> str:
        """How much it changed, in words: "3 files", "2 changes"; a decision about a duplicate
        set is "1 duplicate set" (a review: "36 changes", the pairs of one set, kept apart)."""
        if self.action == "decision":  # actions.DECISION
            return "1 duplicate set"
        if self.changes:
            return f"{self.changes} change{'s' if self.changes != 1 else ''}"
        return f"{self.files} file{'s' if self.files != 1 else ''}"


@dataclass
class JournalEntry:
    """One file of a file action, as the journal records it."""

    id: int
    batch: int
    action: str
    state: str  # planned, done, failed, undoing, undone, undo_failed
    source: str
    target: str | None
    trash_info: str | None
    file_row: FileRow | None
    error: str | None
    fingerprint: str | None
    size: int | None
    temp: str | None
    placed: str | None
    undo_target: str | None
    undo_error: str | None
    wrote: str | None = None  # content written in place (an XMP sidecar's new version)


@dataclass(frozen=True)
class StoredGroup:
    """A group as the catalog keeps it between groupings."""

    id: int
    name: str | None
    active: bool
    coherence: float
    members: list[str] = field(default_factory=list)  # fingerprints, closest to the centre first


def tone_to_blob(tone: tuple[float, ...] | None) -> bytes | None:
    return None if tone is None else np.asarray(tone, dtype="<f4").tobytes()


def hashes_to_blob(turns: Sequence[Sequence[int]]) -> bytes | None:
    """The picture's hash turned and mirrored (``turns``: empty, or one tuple of 7), as int64s."""
    return np.asarray(turns[0], dtype="<i8").tobytes() if turns and turns[0] else None


def hashes_from_blob(blob: bytes | None) -> list[int]:
    return [] if blob is None else [int(v) for v in np.frombuffer(blob, dtype="<i8")]


def tone_from_blob(blob: bytes | None) -> tuple[float, ...] | None:
    return None if blob is None else tuple(float(v) for v in np.frombuffer(blob, dtype="<f4"))


def vector_matrix(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    """Stack float32 vector blobs into a writable (n, dim) array without an extra copy."""
    out = np.empty((len(blobs), dim), dtype=np.float32)
    for row, blob in zip(out, blobs, strict=True):
        row[:] = np.frombuffer(blob, dtype="<f4")
    return out


_photo_fields = operator.attrgetter(*(f.name for f in fields(PhotoInfo)))
