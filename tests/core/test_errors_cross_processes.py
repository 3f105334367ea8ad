"""The app's engine process sends errors back to the window pickled: each one must arrive as
it was raised (a GUI review found Edit > Undo with nothing to undo showing a crash dialog,
because NothingToUndo came back with its sentence taken for the actions left behind)."""

from __future__ import annotations

import pickle

from photoorg.core.action_plans import NotEnoughSpace
from photoorg.core.errors import DecodeError, LibraryBusy, ModelNotCached, NotInLibrary
from photoorg.core.redo import NothingToRedo
from photoorg.core.undo import ChangedSinceError, NothingToUndo


def test_every_error_the_engine_answers_with_arrives_as_raised() -> None:
    errors = [
        NothingToUndo(),
        NothingToUndo([(7, 2), (3, 1)]),
        NothingToRedo("There is nothing to redo."),
        DecodeError("/p/a.jpg", "truncated"),
        ModelNotCached("facebook/dinov2-base", "not on this computer", True),
        LibraryBusy(1234),
        NotInLibrary("/x is not in the library"),
        ChangedSinceError("the file changed"),
    ]
    for error in errors:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert vars(back) == vars(error)
    assert pickle.loads(pickle.dumps(NothingToUndo([(7, 2)]))).left_behind == [(7, 2)]
    assert "Action 7 still has 2 files" in str(pickle.loads(pickle.dumps(NothingToUndo([(7, 2)]))))
    assert isinstance(pickle.loads(pickle.dumps(NotEnoughSpace("no room"))), NotEnoughSpace)
