"""The Windows Recycle Bin, read: where send2trash's Recycle Bin put a file, so that an undo can
bring it back (see :mod:`photoorg.core.trash`).

Each volume's ``$Recycle.Bin\\<user SID>`` holds a ``$I…`` metadata file (original path, size,
deletion time) and a ``$R…`` data file per item; the newest ``$I`` with the file's original
path and size names the ``$R`` file. A network share has no Recycle Bin: Windows deletes for
good there, which photoorg never lets happen (:func:`recycle_bin_covers`).
"""

from __future__ import annotations

import functools
import logging
import ntpath
import os
import struct
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

WINDOWS = sys.platform.startswith("win")

_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_INFO_V1_PATH_BYTES = 520  # MAX_PATH (260) UTF-16 code units, NUL-padded
_INFO_MAX_BYTES = 28 + 2 * 32768  # a version 2 header and the longest path Windows allows


@dataclass(frozen=True)
class RecycleInfo:
    """What a Recycle Bin ``$I`` file says about one trashed item."""

    original: str
    size: int
    deleted: datetime  # UTC


def parse_recycle_info(data: bytes) -> RecycleInfo:
    """Read a Recycle Bin ``$I`` file (version 1, Vista/7, or version 2, Windows 10 and later).

    Layout, little-endian: version (8 bytes), original size (8), deletion time as a FILETIME
    (8); then version 1: the path as 260 NUL-padded UTF-16 code units; version 2: the number of
    UTF-16 code units including the final NUL (4 bytes), then the path.

    Raises:
        ValueError: ``data`` is not a ``$I`` file of a known version.
    """
    if len(data) < 24:
        raise ValueError(f"a Recycle Bin $I file has at least 24 bytes, this one {len(data)}")
    version, size, filetime = struct.unpack_from("<qqq", data)
    if version == 1:
        raw = data[24 : 24 + _INFO_V1_PATH_BYTES]
        if len(raw) < _INFO_V1_PATH_BYTES:
            raise ValueError("a version 1 Recycle Bin $I file is cut short")
    elif version == 2:
        if len(data) < 28:
            raise ValueError("a version 2 Recycle Bin $I file is cut short")
        (chars,) = struct.unpack_from("<I", data, 24)
        raw = data[28 : 28 + 2 * chars]
        if chars == 0 or len(raw) < 2 * chars:
            raise ValueError("a version 2 Recycle Bin $I file is cut short")
    else:
        raise ValueError(f"unknown Recycle Bin $I version {version}")
    try:
        original = raw.decode("utf-16-le").split("\0", 1)[0]
    except UnicodeDecodeError as exc:
        raise ValueError(f"the path in a Recycle Bin $I file is not UTF-16: {exc}") from exc
    if not original or size < 0:
        raise ValueError("a Recycle Bin $I file without a path or with a negative size")
    try:
        deleted = _FILETIME_EPOCH + timedelta(microseconds=filetime // 10)
    except OverflowError as exc:
        raise ValueError(f"a Recycle Bin $I file with an impossible deletion time {filetime}") from exc
    return RecycleInfo(original, size, deleted)


def _windows_key(path: str) -> str:
    """A Windows path as Windows compares it: normalised, without the long-path prefix, any case."""
    if path.startswith("\\\\?\\UNC\\"):
        path = "\\\\" + path[8:]
    elif path.startswith(("\\\\?\\", "\\??\\")):
        path = path[4:]
    return ntpath.normcase(ntpath.normpath(path)).casefold()


def _volume_root(path: str) -> str:
    """The root of the volume holding ``path`` (a folder a volume is mounted on counts)."""
    if WINDOWS:
        try:
            import ctypes
            from ctypes import wintypes

            get = ctypes.WinDLL("kernel32", use_last_error=True).GetVolumePathNameW
            get.argtypes = [wintypes.LPCWSTR, wintypes.LPWSTR, wintypes.DWORD]
            get.restype = wintypes.BOOL
            buf = ctypes.create_unicode_buffer(32768)
            if get(path, buf, len(buf)):
                return buf.value
        except Exception:  # the drive letter below is right for all but mounted folders
            log.debug("GetVolumePathNameW failed for %s", path, exc_info=True)
    drive = ntpath.splitdrive(path)[0]
    return drive + "\\" if drive else ntpath.sep


def recycle_bin_covers(path: str, drive_type: int | None = None) -> bool:
    """Whether Windows would recycle ``path`` rather than delete it: not on a network share.

    ``drive_type`` is GetDriveTypeW's answer for the volume (looked up when None).
    """
    key = _windows_key(path)
    if key.startswith("\\\\"):  # \\server\share\...
        return False
    if drive_type is None and WINDOWS:
        try:
            import ctypes

            drive_type = ctypes.WinDLL("kernel32").GetDriveTypeW(_volume_root(path))
        except Exception:
            log.debug("GetDriveTypeW failed for %s", path, exc_info=True)
    return drive_type != _DRIVE_REMOTE


_DRIVE_REMOTE = 4


def _recycle_bin_root(path: str) -> Path:
    """The ``$Recycle.Bin`` folder of the volume holding ``path`` (tests point it elsewhere)."""
    return Path(_volume_root(path)) / "$Recycle.Bin"


@functools.cache
def _current_user_sid() -> str | None:
    """The current user's SID as text ("S-1-5-21-…"): their folder in every Recycle Bin."""
    if not WINDOWS:
        return None
    try:
        import ctypes
        from ctypes import wintypes

        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        kernel32.LocalFree.argtypes = [ctypes.c_void_p]
        kernel32.LocalFree.restype = ctypes.c_void_p
        advapi32.OpenProcessToken.argtypes = [
            wintypes.HANDLE,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.HANDLE),
        ]
        advapi32.GetTokenInformation.argtypes = [
            wintypes.HANDLE,
            ctypes.c_int,
            ctypes.c_void_p,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.DWORD),
        ]
        advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
        token = wintypes.HANDLE()
        token_query, token_user = 0x0008, 1
        if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), token_query, ctypes.byref(token)):
            return None
        try:
            needed = wintypes.DWORD()
            advapi32.GetTokenInformation(token, token_user, None, 0, ctypes.byref(needed))
            buf = ctypes.create_string_buffer(needed.value)
            if not advapi32.GetTokenInformation(token, token_user, buf, needed, ctypes.byref(needed)):
                return None
            sid = ctypes.c_void_p.from_buffer(buf)  # TOKEN_USER starts with the PSID
            text = ctypes.c_void_p()
            if not advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)):
                return None
            try:
                return ctypes.wstring_at(text.value)
            finally:
                kernel32.LocalFree(text)
        finally:
            kernel32.CloseHandle(token)
    except Exception:  # without it every user folder is searched, the current user's not first
        log.debug("could not read the current user's SID", exc_info=True)
        return None


def _recycle_bins(path: str) -> list[Path]:
    """The Recycle Bin folders that may hold ``path`` once trashed: the current user's first."""
    root = _recycle_bin_root(path)
    try:
        folders = sorted(entry for entry in root.iterdir() if entry.is_dir())
    except OSError:
        return []
    mine = (_current_user_sid() or "").casefold()
    return sorted(folders, key=lambda folder: folder.name.casefold() != mine)  # stable: mine first


def find_in_recycle_bin(original: str, size: int | None = None) -> tuple[str, str] | None:
    """The newest Recycle Bin item that was ``original`` (and ``size`` bytes, when given): its
    ``$R`` data file and its ``$I`` record.

    The current user's folder is searched first; another user's only when it has no match.
    """
    want = _windows_key(original)
    for folder in _recycle_bins(original):
        best: tuple[datetime, Path, Path] | None = None
        try:
            entries = [e for e in os.scandir(folder) if e.name[:2].upper() == "$I" and e.is_file()]
        except OSError:
            continue
        for entry in entries:
            try:
                with open(entry.path, "rb") as f:
                    info = parse_recycle_info(f.read(_INFO_MAX_BYTES))
            except (OSError, ValueError):
                continue
            if _windows_key(info.original) != want or (size is not None and info.size != size):
                continue
            data = folder / ("$R" + entry.name[2:])
            if data.is_file() and (best is None or info.deleted > best[0]):
                best = (info.deleted, data, Path(entry.path))
        if best is not None:
            return str(best[1]), str(best[2])
    return None
