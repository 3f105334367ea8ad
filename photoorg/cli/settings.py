"""``photoorg settings``: the settings the app keeps (File > Settings), shown and changed from a
terminal (found by a review: excluded file patterns, the smallest group, RAW+JPEG pairs and the
device could only be set for one command, or by editing settings.json). The folders are
``photoorg library``'s."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from typing import Any

from photoorg.cli.common import EXIT_OK, EXIT_USAGE, say
from photoorg.core.humanize import printable
from photoorg.core.keeper import DEFAULT_RULES
from photoorg.core.paths import Locations
from photoorg.core.settings import Settings, load_settings, update_settings

#: Kept by ``photoorg library`` (it checks each folder), or by the app for itself.
NOT_HERE = {
    "folders": "photoorg library",
    "protected": "photoorg library",
    "taken_in": "photoorg library",
    "model_declined": "",
}
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}
#: Settings that hold folders (kept absolute), and lists also given comma-separated.
_FOLDERS, _COMMAS = {"preferred"}, {"keeper_rules"}
#: What each setting does, under its value (a review: names like same_max_local_change, said
#: without a word of what they are).
ABOUT = {
    "model": "the DINOv2 model: a Hugging Face id or a model folder; a scan embeds again with a new one",
    "device": "where the model runs: auto, cpu, cuda or mps",
    "dtype": "its number format: auto, fp32, fp16, bf16, or int8 (faster on a CPU)",
    "preprocess": "how photos are prepared for the model: auto keeps the library's own version",
    "same_threshold": "'same image' needs at least this similarity, and pixel evidence",
    "similar_threshold": "'similar shots' need at least this similarity ('photoorg thresholds' to judge)",
    "same_max_local_change": "'same image': the aligned pictures differ nowhere by more than this (0 to 1)",
    "offer_raw_jpegs": "offer the JPEG beside a RAW of the same shot as a duplicate",
    "min_group_size": "the fewest photos a group has",
    "group_method": "eom: fewer, broader groups; leaf: more, finer ones",
    "exclude": "file or folder name patterns a scan leaves out ('*.tmp', 'Thumbs/*')",
    "keeper_rules": "the rules, in order, that choose the copy of a duplicate set that is kept",
    "preferred": "folders whose copies are kept when all else is equal",
}


def _defaults() -> dict[str, Any]:
    return dataclasses.asdict(Settings())


def _names() -> list[str]:
    return [f.name for f in dataclasses.fields(Settings) if f.name not in NOT_HERE]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(printable(str(v)) for v in value) if value else "(none)"
    return printable(str(value))


def _parsed(name: str, words: list[str]) -> Any:
    """The value ``words`` give setting ``name``, of its type (a list takes every word)."""
    default = _defaults()[name]
    if name in _FOLDERS:  # as 'library protect' keeps them (a new-user review: a relative one
        # preferred a different copy in each folder the command was typed in)
        return [os.path.abspath(os.path.expanduser(w)) for w in words if w]
    if name in _COMMAS:  # as 'duplicates --keeper-rules' takes them
        return [r.strip() for w in words for r in w.split(",") if r.strip()]
    if isinstance(default, list):
        return [w for w in words if w]
    if len(words) != 1:
        raise ValueError(f"{name} takes one value")
    word = words[0]
    if isinstance(default, bool):
        if word.lower() not in _TRUE | _FALSE:
            raise ValueError(f"{name} is true or false")
        return word.lower() in _TRUE
    try:  # Python's own words ("invalid literal for int() with base 10") said nothing to a person
        if isinstance(default, int):
            return int(word)
        if isinstance(default, float):
            return float(word)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ValueError(f"{name} is {kind}, like {_shown(default)}") from None
    return word


def cmd_settings(args: argparse.Namespace, where: Locations) -> int:
    name, words = args.name, args.values
    if name is None:
        saved, defaults = dataclasses.asdict(load_settings(where)), _defaults()
        if args.json:
            print(json.dumps({k: saved[k] for k in _names()}, indent=2))
            return EXIT_OK
        width = max(len(k) for k in _names())
        for key in _names():
            changed = "" if saved[key] == defaults[key] else f"   (default: {_shown(defaults[key])})"
            print(f"{key:<{width}}  {_shown(saved[key])}{changed}")
            if key in ABOUT:
                print(f"{'':<{width}}    {ABOUT[key]}")
        print("\n'photoorg settings NAME VALUE' changes one ('--reset' gives back its default);")
        print("the library's folders are 'photoorg library'.")
        return EXIT_OK
    if name in NOT_HERE:
        elsewhere = NOT_HERE[name]
        say(f"photoorg: {name} is not set here" + (f"; see '{elsewhere} --help'." if elsewhere else "."))
        return EXIT_USAGE
    if name not in _names():
        say(f"photoorg: there is no setting {name!r}; 'photoorg settings' lists them.")
        return EXIT_USAGE
    if not words and not args.reset:
        print(_shown(getattr(load_settings(where), name)))
        return EXIT_OK
    value: object = " ".join(words)
    try:
        value = _defaults()[name] if args.reset else _parsed(name, words)
        saved = load_settings(where)
        Settings(**{**dataclasses.asdict(saved), name: value})  # checks it
        outside = [f for f in value if saved.library_folder_of(f) is None] if name in _FOLDERS else []
        if outside:  # as the app refuses it (a hostile review)
            raise ValueError(
                f"{outside[0]} is not in the library ('photoorg library list' lists its folders)"
            )
    except (ValueError, TypeError) as exc:
        shown = _shown(value) if args.reset else repr(" ".join(words))  # (its default: not '')
        say(f"photoorg: {name} cannot be {shown}: {exc}")
        return EXIT_USAGE
    update_settings(where, lambda s: s.assign(**{name: value}))
    print(f"{name} is {_shown(value)} now" + (" (its default)" if args.reset else "") + ".")
    if name == "keeper_rules" and set(DEFAULT_RULES) - set(value):
        left_out = [r for r in DEFAULT_RULES if r not in value]
        print(f"These rules no longer choose the keeper: {', '.join(left_out)} ('--reset' gives them back).")
    return EXIT_OK
