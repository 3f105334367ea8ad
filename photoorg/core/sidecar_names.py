"""Where the XMP sidecar of a photo is, the one photoorg reads and writes (:func:`sidecar_for`):
an existing ``IMG_1.jpg.xmp`` (the digiKam and darktable name), else an existing ``IMG_1.xmp``
(Adobe's name, kept for a RAW file or a photo with no other file of its stem beside it), else a
new ``IMG_1.jpg.xmp``, or ``IMG_1.xmp`` for a RAW photo (where Lightroom and Bridge look). Out
of xmp.py, which changes the packets; this only names files. Qt-free; lists a folder at most.
"""

from __future__ import annotations

import os

from photoorg.core.companions import RAW_EXTENSIONS

#: How cameras and programs spell the extension; an existing sidecar is found by any of them
#: (a hostile review: keywords went into a new IMG_1.png.xmp beside the IMG_1.png.XMP a date was
#: written into, two sidecars of one photo).
_SPELLINGS = (".xmp", ".XMP", ".Xmp")


def _there(path: str) -> str | None:
    """``path`` + ".xmp" as it is spelled on the disk, if there is such a file."""
    return next((path + x for x in _SPELLINGS if os.path.isfile(path + x)), None)


def sidecar_for(photo: str) -> str:
    """The XMP sidecar photoorg reads and writes for ``photo`` (see the module's text)."""
    folder, name = os.path.split(photo)
    stem, ext = os.path.splitext(name)
    long_name = _there(os.path.join(folder, name)) or os.path.join(folder, name + ".xmp")
    if os.path.isfile(long_name):
        return long_name
    if ext and os.path.lexists(os.path.join(folder, stem)):
        # IMG_1.HEIC beside IMG_1.HEIC.jpg: IMG_1.HEIC.xmp is the HEIC's own (its whole name),
        # never the JPEG's (a hostile review: the JPEG's album keyword went into it).
        return long_name
    raw = ext.lower() in RAW_EXTENSIONS
    short_name = _there(os.path.join(folder, stem))
    if short_name is not None and (raw or not _stem_shared(folder, stem, name)):
        return short_name
    return os.path.join(folder, stem + ".xmp") if raw else long_name


def _stem_shared(folder: str, stem: str, name: str) -> bool:
    """Whether another file of ``stem`` (IMG_1.CR2 beside IMG_1.jpg) might own IMG_1.xmp."""
    try:
        others = os.listdir(folder or ".")
    except OSError:
        return True
    return any(
        os.path.splitext(o)[0] == stem and o != name and not o.lower().endswith(".xmp") for o in others
    )
