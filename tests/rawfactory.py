"""Small DNG files written by hand, for the RAW tests: a real raw image LibRaw can develop, and
optionally the JPEG preview that cameras embed (what photoorg shows and embeds).

A DNG is a TIFF: IFD0 holds the preview (NewSubFileType 1, JPEG compressed) and the DNG tags,
a SubIFD holds the raw image (NewSubFileType 0, 16-bit Bayer CFA, uncompressed). Only the tags
LibRaw needs are written. Each file is a few tens of KB and is made in a test's tmp_path.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image

# TIFF field types
_BYTE, _ASCII, _SHORT, _LONG, _RATIONAL, _SRATIONAL = 1, 2, 3, 4, 5, 10
_SIZES = {_BYTE: 1, _ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8, _SRATIONAL: 8}


class _Tiff:
    """Little-endian TIFF writer: IFDs of (tag, type, values) with data blobs laid out after."""

    def __init__(self) -> None:
        self.out = bytearray(b"II*\x00\x00\x00\x00\x00")

    def blob(self, data: bytes) -> int:
        if len(self.out) % 2:
            self.out += b"\x00"
        offset = len(self.out)
        self.out += data
        return offset

    def ifd(self, entries: list[tuple[int, int, object]]) -> int:
        """Write one IFD (entries sorted by tag, values that do not fit inline after it); its offset."""
        encoded = []
        for tag, typ, values in sorted(entries, key=lambda e: e[0]):
            if typ == _ASCII:
                raw = str(values).encode() + b"\x00"
                count = len(raw)
            else:
                vals = list(values) if isinstance(values, (list, tuple)) else [values]
                if typ in (_RATIONAL, _SRATIONAL):
                    count = len(vals)
                    fmt = "<" + ("II" if typ == _RATIONAL else "ii") * count
                    raw = struct.pack(fmt, *[x for v in vals for x in v])
                else:
                    count = len(vals)
                    raw = struct.pack("<" + {_BYTE: "B", _SHORT: "H", _LONG: "I"}[typ] * count, *vals)
            encoded.append((tag, typ, count, raw))
        if len(self.out) % 2:
            self.out += b"\x00"
        start = len(self.out)
        size = 2 + 12 * len(encoded) + 4
        data_at = start + size
        table = bytearray(struct.pack("<H", len(encoded)))
        extra = bytearray()
        for tag, typ, count, raw in encoded:
            if len(raw) <= 4:
                table += struct.pack("<HHI", tag, typ, count) + raw.ljust(4, b"\x00")
            else:
                if (data_at + len(extra)) % 2:
                    extra += b"\x00"
                table += struct.pack("<HHII", tag, typ, count, data_at + len(extra))
                extra += raw
        table += b"\x00\x00\x00\x00"  # next IFD: none
        self.out += table + extra
        return start

    def point_to_first_ifd(self, offset: int) -> None:
        self.out[4:8] = struct.pack("<I", offset)


def bayer_from_rgb(rgb: np.ndarray, white: int = 4095) -> np.ndarray:
    """An RGGB mosaic (uint16, 12-bit) of an RGB picture of the same size (even sides)."""
    lin = (rgb.astype(np.float64) / 255.0) ** 2.2 * white  # roughly linear light
    h, w, _ = rgb.shape
    mosaic = np.empty((h, w), np.float64)
    mosaic[0::2, 0::2] = lin[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = lin[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = lin[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = lin[1::2, 1::2, 2]
    return np.clip(mosaic, 0, white).astype(np.uint16)


def make_dng(
    path: Path,
    picture: Image.Image,
    *,
    preview: bool = True,
    orientation: int = 1,
    taken: str | None = "2024:05:17 10:30:00",
    make: str = "Photoorg",
    model: str = "Test Camera",
    preview_quality: int = 90,
) -> Path:
    """Write ``picture`` (RGB, even sides) as a DNG: its raw image is a Bayer mosaic of the picture,
    and with ``preview`` the picture itself is embedded as the full-size JPEG preview, as cameras
    do. ``orientation`` is the TIFF/EXIF Orientation tag (6: the camera was turned clockwise, so
    the upright picture is the stored one turned 90 degrees clockwise)."""
    rgb = np.asarray(picture.convert("RGB"))
    h, w, _ = rgb.shape
    if h % 2 or w % 2:
        raise ValueError("the picture's sides must be even (a 2x2 Bayer pattern)")
    tiff = _Tiff()
    raw = bayer_from_rgb(rgb)
    raw_at = tiff.blob(raw.astype("<u2").tobytes())
    raw_ifd = tiff.ifd(
        [
            (254, _LONG, 0),  # NewSubFileType: the main image
            (256, _LONG, w),
            (257, _LONG, h),
            (258, _SHORT, 16),
            (259, _SHORT, 1),  # uncompressed
            (262, _SHORT, 32803),  # CFA
            (273, _LONG, raw_at),
            (277, _SHORT, 1),
            (278, _LONG, h),
            (279, _LONG, raw.nbytes),
            (284, _SHORT, 1),
            (33421, _SHORT, (2, 2)),  # CFARepeatPatternDim
            (33422, _BYTE, (0, 1, 1, 2)),  # CFAPattern: RGGB
            (50717, _LONG, 4095),  # WhiteLevel
            (50714, _LONG, 0),  # BlackLevel
        ]
    )
    exif_entries: list[tuple[int, int, object]] = (
        [(36867, _ASCII, taken)] if taken else [(36864, _ASCII, "0231")]
    )
    exif_ifd = tiff.ifd(exif_entries)
    entries: list[tuple[int, int, object]] = [
        (254, _LONG, 1 if preview else 0),
        (271, _ASCII, make),
        (272, _ASCII, model),
        (274, _SHORT, orientation),
        (305, _ASCII, "photoorg tests/rawfactory.py"),
        (330, _LONG, raw_ifd),  # SubIFDs
        (34665, _LONG, exif_ifd),  # Exif IFD
        (50706, _BYTE, (1, 4, 0, 0)),  # DNGVersion
        (50707, _BYTE, (1, 1, 0, 0)),  # DNGBackwardVersion
        (50708, _ASCII, f"{make} {model}"),  # UniqueCameraModel
        # ColorMatrix1 (XYZ to camera): identity-like, with the illuminant D65
        (50721, _SRATIONAL, [(1, 1), (0, 1), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1), (1, 1)]),
        (50778, _SHORT, 21),  # CalibrationIlluminant1: D65
        (50728, _RATIONAL, [(1, 1), (1, 1), (1, 1)]),  # AsShotNeutral
    ]
    if taken:
        entries.append((306, _ASCII, taken))  # DateTime
    if preview:
        buf = io.BytesIO()
        picture.convert("RGB").save(buf, "JPEG", quality=preview_quality)
        jpeg = buf.getvalue()
        jpeg_at = tiff.blob(jpeg)
        entries += [
            (256, _LONG, w),
            (257, _LONG, h),
            (258, _SHORT, (8, 8, 8)),
            (259, _SHORT, 7),  # JPEG
            (262, _SHORT, 6),  # YCbCr
            (273, _LONG, jpeg_at),
            (277, _SHORT, 3),
            (278, _LONG, h),
            (279, _LONG, len(jpeg)),
        ]
    else:  # IFD0 is the raw image itself: no preview anywhere
        entries = [e for e in entries if e[0] not in (254, 330)] + [
            (254, _LONG, 0),
            (256, _LONG, w),
            (257, _LONG, h),
            (258, _SHORT, 16),
            (259, _SHORT, 1),
            (262, _SHORT, 32803),
            (273, _LONG, raw_at),
            (277, _SHORT, 1),
            (278, _LONG, h),
            (279, _LONG, raw.nbytes),
            (284, _SHORT, 1),
            (33421, _SHORT, (2, 2)),
            (33422, _BYTE, (0, 1, 1, 2)),
            (50717, _LONG, 4095),
            (50714, _LONG, 0),
        ]
    first = tiff.ifd(entries)
    tiff.point_to_first_ifd(first)
    path.write_bytes(bytes(tiff.out))
    return path
