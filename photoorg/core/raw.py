"""Camera RAW files, read through LibRaw (the rawpy package): what :mod:`photoorg.core.imaging`
does for RAW files, which it hands over here by their extension.

- The picture is the JPEG preview the camera embedded in the file (LibRaw picks the largest),
  turned upright: by the preview's own EXIF orientation when it has one, else by the RAW's.
  That is what the camera showed on its screen and what the JPEG beside it holds; developing
  the raw data would take a second or more per photo and give other colours.
- A RAW without an embedded preview (some DNG converters, old cameras) is developed at half
  size instead (LibRaw's demosaic; slower, logged).
- The size recorded is the RAW's full image size, upright; the date taken and camera come from
  the file's own EXIF (TIFF-based RAWs: CR2, NEF, ARW, DNG, ORF, RW2, PEF, SRW), else from the
  EXIF LibRaw gives the preview (CR3, RAF).
- Without rawpy every RAW file fails with a reason that says which command adds it; every
  other photo is read as usual.
"""

from __future__ import annotations

import io
import logging
import shlex
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING

from PIL import Image

from photoorg.core.errors import DecodeError
from photoorg.core.scanner import RAW_EXTENSIONS

if TYPE_CHECKING:
    from photoorg.core.imaging import Decoded

log = logging.getLogger(__name__)

#: The keeper rules' name for each (the file's extension, upper case: "CR2", "DNG").
RAW_FORMATS = frozenset(ext[1:].upper() for ext in RAW_EXTENSIONS)
#: The package that brings LibRaw, as pip names it.
RAW_REQUIREMENT = "rawpy>=0.28"

#: LibRaw's "flip" (bit 0: mirror left-right, bit 1: upside down, bit 2: swap the axes) as an
#: EXIF orientation, as LibRaw itself writes it into the preview's EXIF ("12435867"[flip]).
_FLIP_TO_ORIENTATION = (1, 2, 4, 3, 5, 8, 6, 7)
_TAG_ORIENTATION = 0x0112

_lock = threading.Lock()
_rawpy: ModuleType | None = None
_missing: str | None = None


def is_raw_name(path: str) -> bool:
    dot = path.rfind(".")
    return dot >= 0 and path[dot:].lower() in RAW_EXTENSIONS


def install_command() -> str:
    """The command that adds RAW support to the Python this photoorg runs in."""
    return f"{shlex.quote(sys.executable or 'python3')} -m pip install '{RAW_REQUIREMENT}'"


def missing_reason() -> str:
    if getattr(sys, "frozen", False):  # the app bundle: no pip in it; its build left rawpy out
        return (
            "a camera RAW file; this build of photoorg has no RAW support (rawpy, LibRaw). "
            "Install photoorg with pip, or use a build that includes it"
        )
    return (
        "a camera RAW file; reading RAW files needs the rawpy package (LibRaw), which is not "
        f"installed here. Add it with: {install_command()} and scan again"
    )


def _load() -> ModuleType | None:
    """rawpy, imported once; None (logged once) when it is not installed or cannot load."""
    global _rawpy, _missing
    with _lock:
        if _rawpy is None and _missing is None:
            try:
                import rawpy

                _rawpy = rawpy
            except Exception as exc:  # missing, or its LibRaw cannot load: RAW files fail one by one
                _missing = f"{type(exc).__name__}: {exc}"
                log.warning("RAW support unavailable (rawpy could not be imported: %s)", _missing)
        return _rawpy


def available() -> bool:
    """Whether RAW files can be read here."""
    return _load() is not None


def decode_raw(data: bytes, short_edge: int | None, path: str, pixels: bool) -> Decoded:
    """:func:`photoorg.core.imaging.decode` for a RAW file's bytes."""
    from photoorg.core import imaging

    rawpy = _load()
    if rawpy is None:
        raise DecodeError(path, missing_reason())
    fmt = path.rsplit(".", 1)[-1].upper()
    try:
        with rawpy.imread(io.BytesIO(data)) as raw:
            sizes = raw.sizes
            width, height = sizes.width, sizes.height
            if width <= 0 or height <= 0:
                raise DecodeError(path, "the RAW file has no image")
            if width * height > imaging.PIXEL_LIMIT:
                raise DecodeError(path, f"the image is too large to decode safely ({width}x{height})")
            flip = sizes.flip if 0 <= sizes.flip < len(_FLIP_TO_ORIENTATION) else 0
            if flip & 4:
                width, height = height, width
            taken, camera = _tiff_exif(data)
            preview = None
            if pixels or taken is None or camera is None:
                preview = _preview(raw, rawpy, path)
            if preview is not None and (taken is None or camera is None):
                p_taken, p_camera = imaging._read_exif(preview)
                taken, camera = taken or p_taken, camera or p_camera
            if not pixels:
                return imaging.Decoded(None, width, height, fmt, taken, camera)
            if preview is not None:
                image = _upright(preview, flip, short_edge)
            else:
                # No embedded preview: develop the raw data itself, at half size (a demosaic
                # of a 24 MP file takes a second or two). LibRaw turns it upright itself.
                log.info("%s has no embedded preview; developing the RAW at half size", path)
                developed = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
                image = Image.fromarray(developed, "RGB")
            return imaging.Decoded(imaging.to_rgb(image), width, height, fmt, taken, camera)
    except DecodeError:
        raise
    except rawpy.LibRawFileUnsupportedError as exc:
        raise DecodeError(
            path,
            "LibRaw cannot read this RAW file (damaged, not really a RAW, or from a camera newer "
            f"than LibRaw {'.'.join(map(str, rawpy.libraw_version))})",
        ) from exc
    except (rawpy.LibRawIOError, rawpy.LibRawDataError) as exc:
        raise DecodeError(
            path, "the RAW file is truncated or damaged (incomplete download or copy?)"
        ) from exc
    except rawpy.LibRawError as exc:
        raise DecodeError(path, f"cannot read this RAW file: {exc}") from exc


def _preview(raw, rawpy: ModuleType, path: str) -> Image.Image | None:
    """The embedded preview, opened (not decoded yet); None when there is none LibRaw can give."""
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
        return None
    except rawpy.LibRawError:  # a damaged preview: the raw data may still be fine
        log.info("unreadable embedded preview in %s", path, exc_info=True)
        return None
    if thumb.format == rawpy.ThumbFormat.JPEG:
        try:
            img = Image.open(io.BytesIO(thumb.data))
            if img.format != "JPEG":
                raise ValueError(f"a {img.format} preview")
            return img
        except Exception:
            log.info("unreadable embedded preview in %s", path, exc_info=True)
            return None
    return Image.fromarray(thumb.data).convert("RGB")  # a bitmap preview (some old cameras)


def _upright(preview: Image.Image, flip: int, short_edge: int | None) -> Image.Image:
    """The preview decoded (JPEG draft when small is enough) and turned upright.

    The preview's own EXIF orientation wins when it has one other than 1 (LibRaw writes the
    RAW's into a preview that had no EXIF); else the RAW's orientation is applied, never both.
    """
    from photoorg.core import imaging

    try:
        own = int(preview.getexif().get(_TAG_ORIENTATION, 1))
    except Exception:
        own = 1
    if short_edge and preview.format == "JPEG" and preview.mode in ("RGB", "L", "CMYK"):
        w, h = preview.size
        scale = imaging.DRAFT_OVERSAMPLE * short_edge / min(w, h)
        if scale < 1.0:
            preview.draft(preview.mode, (int(w * scale + 0.999), int(h * scale + 0.999)))
    preview.load()
    orientation = own if own != 1 else _FLIP_TO_ORIENTATION[flip]
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return preview.transpose(method) if method is not None else preview.copy()


def _tiff_exif(data: bytes) -> tuple[str | None, str | None]:
    """(date taken, camera) from a TIFF-based RAW's own EXIF; (None, None) for other RAWs."""
    from photoorg.core import imaging

    head = data[:4]
    if head[:2] == b"II" and head != b"II*\x00":  # Olympus "IIRO"/"IIRS", Panasonic "IIU\0"
        data = b"II*\x00" + data[4:]
    elif head[:2] == b"MM" and head != b"MM\x00*":  # Olympus "MMOR"
        data = b"MM\x00*" + data[4:]
    elif head[:2] not in (b"II", b"MM"):
        return None, None
    try:
        exif = Image.Exif()
        exif.load(data)
    except Exception:
        return None, None
    return imaging.exif_fields(exif)
