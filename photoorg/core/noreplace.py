"""Naming a file without ever replacing what has that name: a hard link, or
``renameat2(RENAME_NOREPLACE)`` on Linux, ``renamex_np(RENAME_EXCL)`` on macOS, ``MoveFileEx``
without the replace flag on Windows. A plain ``rename`` replaces its target on POSIX, so it is
only used where nothing else exists, after checking, under the library lock. Split out of
:mod:`photoorg.core.fileops`, which places files with these."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import sys

#: Errors that say "this file system has no hard links" (FAT and exFAT memory cards, some shares).
NO_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS})


def fsync_dir(folder: str) -> None:
    """Make a new name in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


_LIBC = _libc() if sys.platform != "win32" else None


def _native_rename_noreplace(src: str, dst: str) -> bool:
    """True when done natively; False when this system or file system cannot (fall back)."""
    if _LIBC is None:
        return False
    if sys.platform.startswith("linux"):
        fn = getattr(_LIBC, "renameat2", None)
        if fn is None:
            return False
        result = fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE)
    elif sys.platform == "darwin":
        fn = getattr(_LIBC, "renamex_np", None)
        if fn is None:
            return False
        result = fn(os.fsencode(src), os.fsencode(dst), 0x4)  # RENAME_EXCL
    else:
        return False
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system does not support it
    raise OSError(err, os.strerror(err), src, None, dst)  # either folder may be the cause


def rename_noreplace(src: str, dst: str) -> None:
    """Rename ``src`` to ``dst`` on one file system; FileExistsError if ``dst`` exists."""
    if _native_rename_noreplace(src, dst):
        return
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "File exists", dst)
    if sys.platform == "win32":
        os.rename(src, dst)  # never replaces on Windows
        return
    # No atomic way on this file system: the check above and this rename run under the
    # library lock, so no other photoorg can take the name in between.
    os.rename(src, dst)


def link_noreplace(src: str, dst: str) -> bool:
    """A second name for ``src``; FileExistsError if taken; False when the file system has no
    hard links."""
    try:
        os.link(src, dst, follow_symlinks=False)
        return True
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno in NO_LINKS or exc.errno == errno.EXDEV:
            return False
        raise
