"""The window's requests about albums: show one, teach it, rename or delete it, write its name
into sidecars. A part of :class:`~photoorg.gui.library.Library`, which provides ``_run``,
``_ask``, ``_action_done``, ``_said_if_refused`` and the ``action_finished`` signal these use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from photoorg.engine import AlbumKeywords, NameAlbum, ShowAlbum, TeachAlbum
from photoorg.gui.messages import keywords_text
from photoorg.gui.tasks import TaskError

SUGGESTIONS = 60  # suggestions shown at a time (a page of the album's grid)


class AlbumRequests:
    """Library's album methods (a mixin: the attributes used are Library's)."""

    _run: Any
    _ask: Any
    _action_done: Any
    _said_if_refused: Any
    action_finished: Any

    def show_album(self, name: str, on_view: Callable[[Any], None], k: int = SUGGESTIONS) -> None:
        """The album's photos and suggestions (an AlbumView), to ``on_view``."""
        self._run(self._ask(ShowAlbum(name, k), f"Finding photos for {name}", False), on_view, "album")

    def teach_album(
        self,
        name: str,
        paths: Sequence[str],
        role: str,
        on_view: Callable[[Any], None],
        create: bool = False,
        what: str = "",
        on_failed: Callable[[], None] | None = None,
    ) -> None:
        """Make an album from examples, or answer suggestions (undoable); the classifier is
        retrained in the engine and the new AlbumView goes to ``on_view``."""
        request = TeachAlbum(name, tuple(paths), role, create, SUGGESTIONS)

        def done(view: Any) -> None:
            if what:
                self.action_finished.emit(f"{what} Edit > Undo takes it back.")
            on_view(view)

        def failed(_error: TaskError) -> bool:
            if on_failed is not None:
                on_failed()
            return False  # and the error is reported

        self._run(self._ask(request, f"Learning {name}", False), done, "album", on_error=failed)

    def name_album(self, name: str, new_name: str | None, before: str = "") -> None:
        """Rename an album, or (``new_name`` None) delete it; undoable. A name taken already is
        said, not reported as a failure. ``before``: what was done first, said with it."""
        if new_name is None:
            said, doing = f"Deleted the album {name}; its photos are not touched.", "Deleting the album"
            said = f"{before} {said}" if before else said
        else:
            said, doing = f"Renamed the album {name} to {new_name}.", "Renaming the album"
        work = self._ask(NameAlbum(name, new_name), doing, cancellable=False)
        said += " Edit > Undo brings it back." if new_name is None else " Edit > Undo takes it back."
        self._run(work, lambda _b: self._action_done(said), "album", on_error=self._said_if_refused)

    def plan_album_keywords(
        self, name: str, on_plan: Callable[[list[Any]], None], take_out: bool = False
    ) -> None:
        """Which sidecars writing the album's keyword (``take_out``: taking it out) would make
        or change (nothing written)."""
        work = self._ask(
            AlbumKeywords(name, dry_run=True, take_out=take_out), "Looking at the sidecars", False
        )
        self._run(work, lambda result: on_plan(result[0]), "plan keywords")

    def write_album_keywords(
        self, name: str, take_out: bool = False, then: Callable[[str], None] | None = None
    ) -> None:
        """Write the album's name into its photos' XMP sidecars (or take it out), one undoable
        action; ``then``: what to do next once it is done (its refresh shows both)."""
        work = self._ask(AlbumKeywords(name, take_out=take_out), "Writing keywords", cancellable=False)

        def done(result: Any) -> None:
            text = keywords_text(name, result[1], take_out)
            if then is None:
                self._action_done(text)
            else:  # said with what comes next (a review: the next message hid this one)
                then(text.removesuffix(" Edit > Undo takes it back."))

        self._run(work, done, "keywords")
