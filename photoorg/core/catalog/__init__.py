"""The catalog: one SQLite file holding what photoorg knows about each photo, and the person's
decisions about them. Every SQL statement of photoorg lives in this package,
in the part of the catalog it is about (one module each, joined in :class:`Catalog`).

- ``files``: one row per photo path: size, mtime, content fingerprint, size in pixels, EXIF
  date taken and camera, or the reason it could not be read.
- ``vectors``: embeddings keyed by (fingerprint, model). A moved or renamed photo has the same
  fingerprint and so keeps its vector; a different model never mixes with another's vectors.
- ``models``: the model keys (model id + revision + preprocessing version + dtype).
- ``decisions``: "not duplicates" / "keep both", by content.
- ``groups`` and ``group_members``: groups of similar photos with a stable id and the name the
  person gave them; members by fingerprint.
- ``batches`` and ``journal``: every file action, file by file, for undo and crash recovery
  (``batches``: the actions as the history lists them, undone or not).

WAL journal, ``PRAGMA user_version`` as the schema version with forward migrations (tested
from a catalog the previous release wrote), one transaction per batch. A file that is not a
photoorg catalog, or is damaged, is renamed aside (never deleted), a fresh catalog is built,
and whatever can still be read of the old one is carried over. A catalog written by a newer
photoorg is refused and left as it is.
"""

from __future__ import annotations

from photoorg.core.catalog.albums import AlbumsPart
from photoorg.core.catalog.base import move_catalog
from photoorg.core.catalog.batches import BatchesPart
from photoorg.core.catalog.files import FilesPart
from photoorg.core.catalog.groups import GroupsPart
from photoorg.core.catalog.journal import JournalPart
from photoorg.core.catalog.rows import (
    BatchInfo,
    FileRow,
    FileState,
    JournalEntry,
    ModelInfo,
    PhotoInfo,
    StoredGroup,
    fingerprint,
    fingerprint_file,
    path_from_db,
    path_to_db,
)
from photoorg.core.catalog.schema import APPLICATION_ID, SCHEMA_VERSION
from photoorg.core.catalog.sets import SetsPart


class Catalog(FilesPart, SetsPart, GroupsPart, JournalPart, BatchesPart, AlbumsPart):
    """A connection to the catalog. Use from one thread at a time.

    ``lock`` is the library's one-writer lock (see :mod:`photoorg.core.lock`): file actions,
    undo and recovery hold it; scans hold it while they commit.
    """


__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "BatchInfo",
    "Catalog",
    "FileRow",
    "FileState",
    "JournalEntry",
    "ModelInfo",
    "PhotoInfo",
    "StoredGroup",
    "fingerprint",
    "fingerprint_file",
    "move_catalog",
    "path_from_db",
    "path_to_db",
]
