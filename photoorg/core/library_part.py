"""What a part of the library service (a mixin of :class:`photoorg.core.library.Library`, such
as :class:`photoorg.core.curation.Curation`) uses of the rest of it, for type checkers; the
Library provides all of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from photoorg.core.progress import NULL_PROGRESS, Progress

if TYPE_CHECKING:
    import contextlib

    from photoorg.core.catalog import Catalog
    from photoorg.core.errors import ModelUnavailable
    from photoorg.core.grouping import Group
    from photoorg.core.pipeline import ScanSummary
    from photoorg.core.settings import Settings


class LibraryPart:
    """The library's catalog, lock, folders, settings, model, scan and groups."""

    notes: list[str]

    if TYPE_CHECKING:  # provided by Library

        @property
        def catalog(self) -> Catalog: ...

        def writing(
            self, progress: Progress = NULL_PROGRESS
        ) -> contextlib.AbstractContextManager[Catalog]: ...

        def library_roots(self) -> tuple[list[str], list[str]]: ...

        @property
        def settings(self) -> Settings: ...

        @property
        def stores_groups(self) -> bool: ...

        @property
        def saved_settings(self) -> Settings: ...

        def protected_watch(self) -> Callable[[], list[str]]: ...

        def change_settings(self, change: Callable[[Settings], object]) -> Settings: ...

        def model(self, progress: Progress = NULL_PROGRESS) -> tuple[int | None, ModelUnavailable | None]: ...

        def scan(
            self, roots: Sequence[str] | None = None, progress: Progress = NULL_PROGRESS, embed: bool = True
        ) -> ScanSummary: ...

        def date_again(self, sidecars: Iterable[str]) -> None: ...

        def groups(
            self, only: Sequence[str] | None = None, progress: Progress = NULL_PROGRESS
        ) -> list[Group]: ...
