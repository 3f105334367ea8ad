"""Errors a person can act on. ``str()`` of each is a full sentence."""

from __future__ import annotations


class PhotoorgError(Exception):
    """Base of every error photoorg raises on purpose."""


class DecodeError(PhotoorgError):
    """A file could not be read as a photo. Recorded per file; never stops a scan."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ModelUnavailable(PhotoorgError):  # noqa: N818 - reads as a state, like Cancelled
    """The embedding model is neither cached nor downloadable, or is not usable."""


class UnsafeModel(ModelUnavailable):
    """A model folder that only offers pickle weights or asks for remote code."""


class CatalogError(PhotoorgError):
    """The catalog database could not be opened or written."""


class Cancelled(Exception):  # noqa: N818 - not an error: the person asked for it
    """Raised by Progress.advance once the cancel token is set. Not an error."""
