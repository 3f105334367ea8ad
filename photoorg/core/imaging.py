"""Open photo files as upright RGB images, small and fast, or fail with a clear reason.

- EXIF orientation is applied, so a rotated copy looks like its upright original.
- JPEGs are decoded at reduced scale (libjpeg "draft" mode) when only a small image is needed:
  a 12 MP photo is never fully decoded to make a 224 px model input. Which files get that is
  the preprocessing version's rule (:data:`PREPROCESS_VERSIONS`): since version 2, also the
  first picture of a multi-picture JPEG (MPO), as many phones save their photos.
- Where the model runs on an NVIDIA GPU, those JPEGs can be decoded there instead (nvJPEG,
  :mod:`photoorg.core.gpu_jpeg`): the same picture, with Pillow as the fallback.
- Any mode (CMYK, palette, 16-bit, alpha) becomes 8-bit RGB; transparency is laid on white.
- HEIC/HEIF through pillow-heif; AVIF through Pillow (or pillow-heif where Pillow lacks it).
- Camera RAW files (:mod:`photoorg.core.raw`): their embedded JPEG preview, upright, through
  LibRaw; a half-size development when there is none.
- A pixel-count limit guards against decompression bombs.
Everything unreadable raises :class:`DecodeError` naming the reason.
"""

from __future__ import annotations

import io
import logging
import math
import threading
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from photoorg.core.errors import DecodeError
from photoorg.core.gpu_jpeg import GpuJpeg
from photoorg.core.gpu_pictures import draft_scale
from photoorg.core.pixel_hashes import Looks
from photoorg.core.scanner import RAW_EXTENSIONS

log = logging.getLogger(__name__)

#: Largest image photoorg decodes, in pixels (a 30000 x 6000 panorama is 180 MP).
PIXEL_LIMIT = 250_000_000
#: Decode JPEGs at no less than this multiple of the size the model needs, so that the final
#: bicubic resize still averages over real pixels (draft scaling alone is a box filter); Pillow's
#: own thumbnail() keeps the same margin (reducing_gap=2.0). Measured for issue 15
#: (tests/bench/bench_decode.py, bench_dct_scale.py): 1 instead of 2 decodes a 12 MP JPEG at 1/8
#: instead of 1/4, about 1.3x the photos per core, but moves the vectors of detailed photos up to
#: cosine 0.9988 from the model's own preprocessing (2: 1.0000; 0.9998 on 12 MP upscales), more
#: than a JPEG re-save does. Any change here changes the vectors: add a preprocessing version,
#: and keep existing libraries on their vectors (issue 15).
DRAFT_OVERSAMPLE = 2

#: The versions of the rule that turns a file into the model's pixels (decode, resize, crop),
#: oldest first. The version is part of every vector's key in the catalog: a change that moves
#: the pixels of any file is a new version, never an edit of an old one, and a library goes on
#: in the version its vectors were made in until the person asks for a new look
#: (:mod:`photoorg.core.vector_choice`).
PREPROCESS_VERSIONS = (1, 2)
LATEST_PREPROCESS = PREPROCESS_VERSIONS[-1]
#: What each version changed, in the words the person reads when a newer one is offered.
PREPROCESS_CHANGES = {
    2: "decodes photos saved as multi-picture JPEG (MPO, as many phones do) at reduced size like "
    "other JPEGs, several times faster, which changes their vectors slightly",
}
# The formats decoded in draft mode, by version: Pillow opens a JPEG with a second picture (a
# phone's depth map or preview, a stereo camera's other eye) as "MPO", whose first frame is a
# plain JPEG. Version 1 decoded those at full size (12 MP where a quarter would do).
_DRAFT_FORMATS = {1: ("JPEG",), 2: ("JPEG", "MPO")}

# Our own limit (checked right after the header is read) replaces Pillow's global warning.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

_EXIF_IFD = 0x8769
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_DATETIME = 0x0132
_TAG_MAKE = 0x010F
_TAG_MODEL = 0x0110
_TAG_ORIENTATION = 0x0112

_heif_lock = threading.Lock()
_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    with _heif_lock:
        if _heif_registered:
            return
        _heif_registered = True
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except Exception:  # pillow-heif missing or broken: HEIC files then fail one by one
            log.warning("HEIC support unavailable (pillow-heif could not be loaded)", exc_info=True)


@dataclass(slots=True)
class Decoded:
    """An upright RGB image plus what the catalog records about the photo."""

    image: Image.Image | None  # None when only the header was read (pixels=False) or as below
    width: int  # full-resolution size, upright
    height: int
    format: str
    taken: str | None  # ISO 8601 "YYYY-MM-DDTHH:MM:SS" from EXIF, if any
    camera: str | None
    # A GPU decoder's picture instead of ``image``: an (h, w, 3) uint8 array already at the
    # model's resize, and its pixel hashes, made with its batch's (gpu_jpeg.GpuJpeg).
    pixels: np.ndarray | None = None
    looks: Looks | None = None

    def array(self) -> np.ndarray:
        """The picture as an (h, w, 3) uint8 RGB array."""
        if self.pixels is not None:
            return self.pixels
        if self.image is None:
            raise ValueError("only the header was read (pixels=False)")
        return np.asarray(self.image)


def resize_size(width: int, height: int, short_edge: int) -> tuple[int, int]:
    """Size (w, h) after scaling the shorter edge to ``short_edge``.

    Rounds like transformers' image processors (``int(short_edge * long / short)``) so that the
    crop lands on the same pixels as the model's own preprocessing.
    """
    if width <= height:
        return short_edge, int(short_edge * height / width)
    return int(short_edge * width / height), short_edge


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def _read_exif(img: Image.Image) -> tuple[str | None, str | None]:
    """(date taken as ISO text, camera) from EXIF; (None, None) when absent or corrupt."""
    try:
        exif = img.getexif()
    except Exception:
        log.debug("unreadable EXIF in %s", getattr(img, "filename", "?"), exc_info=True)
        return None, None
    return exif_fields(exif)


#: The first photograph was taken in 1826; a date before it, or years ahead of today, is a
#: camera's clock or a program's bug (a review: years 1 and 9999 headed the timeline).
FIRST_PHOTO_YEAR = 1826


def _plausible_date(raw: str | None) -> str | None:
    """An EXIF date ("2003:01:02 06:48:54") as ISO text, or None when it is none or cannot be
    when a photo was taken."""
    if not raw:
        return None
    try:
        when = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return plausible(when)


def plausible(when: datetime) -> str | None:
    """``when`` as ISO text when it can be when a photo was taken (from 1826 to next year)."""
    if not FIRST_PHOTO_YEAR <= when.year <= datetime.now().year + 1:
        return None
    return when.isoformat()


def exif_fields(exif: Image.Exif) -> tuple[str | None, str | None]:
    """(date taken as ISO text, camera) of parsed EXIF; (None, None) when absent or corrupt."""
    try:
        try:
            original = exif.get_ifd(_EXIF_IFD).get(_TAG_DATETIME_ORIGINAL)
        except Exception:
            original = None
        taken = _plausible_date(_exif_text(original)) or _plausible_date(_exif_text(exif.get(_TAG_DATETIME)))
        make = _exif_text(exif.get(_TAG_MAKE)) or ""
        model = _exif_text(exif.get(_TAG_MODEL)) or ""
        if make and model.lower().startswith(make.lower().split()[0]):
            camera = model
        else:
            camera = f"{make} {model}".strip()
        return taken, camera or None
    except Exception:
        log.debug("unreadable EXIF", exc_info=True)
        return None, None


def _transpose(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # corrupt orientation tag: keep the stored orientation
        log.debug("cannot apply EXIF orientation", exc_info=True)
        return img


def to_rgb(img: Image.Image) -> Image.Image:
    """Any Pillow mode to 8-bit RGB; transparent areas become white."""
    mode = img.mode
    if mode == "RGB":
        return img
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        if mode == "F" and top <= 1.0:
            arr = arr * 255.0
        elif top > 255.0:
            arr = arr / 257.0  # 16-bit range to 8-bit
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L").convert("RGB")
    if mode == "P":
        mode = "RGBA" if "transparency" in img.info else "RGB"
        img = img.convert(mode)
        if mode == "RGB":
            return img
    if mode in ("LA", "La", "PA", "RGBa", "RGBA"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if mode == "1":
        img = img.convert("L")
    return img.convert("RGB")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not a photo, or a format photoorg cannot read"
    if isinstance(exc, FileNotFoundError):
        return "the file disappeared before it could be read"
    if isinstance(exc, PermissionError):
        return "permission denied; check the file's read permission"
    text = str(exc)
    if isinstance(exc, MemoryError):
        return "not enough memory to decode this image"
    # The decoders' own words, said as a person reads them (a review: "cannot decode: Truncated
    # File Read" on the Problems page); anything else keeps them, after what it means.
    lower = text.lower()
    if "truncated" in lower or "could not create decoder object" in lower:  # the last: WebP's
        return "the file is truncated or damaged (incomplete download or copy?)"
    if "broken data stream" in lower or "corrupt" in lower:
        return "the image data is damaged (the file may have been corrupted on a disk or in a copy)"
    return f"the image cannot be decoded (the decoder said: {text or type(exc).__name__})"


def decode(
    data: bytes,
    short_edge: int | None = None,
    *,
    path: str = "",
    pixels: bool = True,
    preprocess: int = LATEST_PREPROCESS,
    gpu: GpuJpeg | None = None,
) -> Decoded:
    """Decode encoded image bytes into an upright RGB image.

    Args:
        data: the whole file's content.
        short_edge: if given, the image may be returned reduced, but its shorter edge is never
            below ``short_edge`` (JPEG draft decoding); None decodes at full size.
        path: used in error messages only.
        pixels: False reads only the header (size, EXIF), which is much cheaper.
        preprocess: the preprocessing version whose rule decides which files are decoded
            reduced (:data:`PREPROCESS_VERSIONS`); vectors are made with their library's.
        gpu: a GPU JPEG decoder (:mod:`photoorg.core.gpu_jpeg`) for the JPEGs decoded reduced:
            the same picture, made on the GPU; a JPEG it cannot decode goes through Pillow.

    Raises:
        DecodeError: the bytes are not a readable image, or the image is too large.
    """
    if preprocess not in _DRAFT_FORMATS:
        raise ValueError(f"unknown preprocessing version {preprocess}")
    if not data:
        raise DecodeError(path, "empty file (0 bytes)")
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if "." + suffix in RAW_EXTENSIONS:
        from photoorg.core.raw import decode_raw

        return decode_raw(data, short_edge, path, pixels)
    if suffix in ("heic", "heif", "avif", "hif"):
        _register_heif()
    try:
        img = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        if not _heif_registered:  # HEIC content behind another extension
            _register_heif()
            try:
                img = Image.open(io.BytesIO(data))
            except Exception as exc:
                raise DecodeError(path, _describe(exc)) from exc
        else:
            raise DecodeError(path, "not a photo, or a format photoorg cannot read") from None
    except Exception as exc:
        raise DecodeError(path, _describe(exc)) from exc
    try:
        return _decode_open(img, short_edge, path, pixels, _DRAFT_FORMATS[preprocess], (data, gpu))
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError(path, _describe(exc)) from exc
    finally:
        img.close()


def _decode_open(
    img: Image.Image,
    short_edge: int | None,
    path: str,
    pixels: bool,
    draft: tuple[str, ...],
    on_gpu: tuple[bytes, GpuJpeg | None] = (b"", None),
) -> Decoded:
    stored_w, stored_h = img.size
    if stored_w <= 0 or stored_h <= 0:
        raise DecodeError(path, "the image has no pixels")
    if stored_w * stored_h > PIXEL_LIMIT:
        raise DecodeError(
            path,
            f"the image is too large to decode safely ({stored_w}x{stored_h} = "
            f"{stored_w * stored_h / 1e6:.0f} MP; the limit is {PIXEL_LIMIT / 1e6:.0f} MP)",
        )
    fmt = img.format or "?"
    taken, camera = _read_exif(img)
    if not pixels:
        try:
            orientation = img.getexif().get(_TAG_ORIENTATION, 1)
        except Exception:
            orientation = 1
        if orientation in (5, 6, 7, 8):
            stored_w, stored_h = stored_h, stored_w
        return Decoded(None, stored_w, stored_h, fmt, taken, camera)
    if short_edge and fmt in draft and img.mode in ("RGB", "L", "CMYK"):
        # Pillow decodes with libjpeg-turbo and releases the GIL meanwhile; simplejpeg and
        # PyTurboJPEG gave identical pixels at every scale and no clear gain per core (within
        # 10%, this machine's noise; tests/bench/bench_decode.py), so no second decoder.
        scale = DRAFT_OVERSAMPLE * short_edge / min(stored_w, stored_h)
        want = (math.ceil(stored_w * scale), math.ceil(stored_h * scale))
        data, gpu = on_gpu
        if gpu is not None and img.mode != "CMYK":
            picture = _gpu_picture(img, gpu, data, short_edge, want if scale < 1.0 else None)
            if picture is not None:
                (pixels, looks), width, height = picture
                return Decoded(None, width, height, fmt, taken, camera, pixels, looks)
        if scale < 1.0:
            img.draft(img.mode, want)
    img.load()
    upright = _transpose(img)
    # exif_transpose swaps width and height for orientations 5-8.
    swapped = upright.size != img.size
    width, height = (stored_h, stored_w) if swapped else (stored_w, stored_h)
    return Decoded(to_rgb(upright), width, height, fmt, taken, camera)


def _gpu_picture(
    img: Image.Image, gpu: GpuJpeg, data: bytes, short_edge: int, want: tuple[int, int] | None
) -> tuple[tuple[np.ndarray, Looks], int, int] | None:
    """((picture, its looks), full width, full height) of an opened JPEG decoded by ``gpu``,
    upright and already at the size the model's resize gives; None when the GPU cannot."""
    try:
        orientation = int(img.getexif().get(_TAG_ORIENTATION, 1))
    except Exception:  # unreadable EXIF: as stored, like _transpose
        orientation = 1
    stored_w, stored_h = img.size
    width, height = (stored_h, stored_w) if orientation in (5, 6, 7, 8) else (stored_w, stored_h)
    scale = draft_scale(stored_w, stored_h, want) if want else 1
    pixels = gpu.picture(
        data, scale, orientation, resize_size(width, height, short_edge), stored_w * stored_h
    )
    return (pixels, width, height) if pixels is not None else None


def model_input(decoded: Decoded, resize_short: int, crop: int) -> np.ndarray:
    """The (crop, crop, 3) uint8 array the model sees: bicubic resize, then centre crop.

    The resize target is computed from the full-resolution size so it matches what the model's
    own image processor does to the undecimated image.
    """
    w, h = resize_size(decoded.width, decoded.height, resize_short)
    if decoded.pixels is not None and decoded.pixels.shape[:2] == (h, w):
        arr = decoded.pixels  # a GPU decoder's, made at this size: no copy through Pillow
    else:
        img = decoded.image if decoded.pixels is None else Image.fromarray(decoded.pixels, "RGB")
        if img is None:
            raise ValueError("model_input needs a Decoded with pixels")
        if img.size != (w, h):
            img = img.resize((w, h), Image.Resampling.BICUBIC)
        arr = np.asarray(img)
    if h < crop or w < crop:  # only when crop > resize_short; pad like the processor (zeros)
        padded = np.zeros((max(h, crop), max(w, crop), 3), np.uint8)
        top, left = (padded.shape[0] - h) // 2, (padded.shape[1] - w) // 2
        padded[top : top + h, left : left + w] = arr
        arr, h, w = padded, padded.shape[0], padded.shape[1]
    top, left = (h - crop) // 2, (w - crop) // 2
    return np.ascontiguousarray(arr[top : top + crop, left : left + crop])
