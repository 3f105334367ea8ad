"""A photoorg that kills itself in the middle of writing or undoing sidecars (album keywords,
dates taken): the tests of both start it, then check that the next photoorg loses nothing."""

#: A photoorg that kills itself right after the nth call of ``name`` (copymode: right before it)
#: in the sidecars' writing (``what`` "write", "takeout") or undoing (any other); the script that
#: follows it does the action.
KILL_AT = r"""
import os, signal, sys
from photoorg.core import sidecar_undo, sidecar_writes
from photoorg.core.library import Library
from photoorg.core.paths import locations

name, nth, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
calls = []
module = sidecar_writes if what in ("write", "takeout") else sidecar_undo  # the writing, or the undoing
owner = module.shutil if name in ("copymode", "copystat") else module  # (copystat: in a copy)
original = getattr(owner, name)

def killing(*args, **kwargs):
    calls.append(1)
    if name != "copymode" or len(calls) < nth:
        original(*args, **kwargs)
    if len(calls) == nth:  # right after that call (copymode: right before it)
        os.kill(os.getpid(), signal.SIGKILL)

setattr(owner, name, killing)
"""
