"""The options several commands share: where photoorg keeps its files, the model and how it runs,
waiting for another photoorg. A flag that is not given leaves the saved setting as it is."""

from __future__ import annotations

import argparse
from typing import Any

from photoorg.core.devices import DEVICES, DTYPES
from photoorg.core.model_folder import PREPROCESS_CHOICES
from photoorg.core.settings import Settings


def at_least(lowest: int):
    """An argparse type: a whole number no smaller than ``lowest`` (a usage error otherwise:
    '-k 0' said "no other photos", '-k -2' listed all but two, and '--min-group-size 1'
    ended in a traceback)."""

    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"{value} is too small: at least {lowest}")
        return value

    return number


def cosine(text: str) -> float:
    """An argparse type: a similarity between -1 and 1 ('--at 5' and 'nan' showed nothing)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not -1.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a similarity: from -1 to 1")
    return value


#: The defaults --help shows (the settings a new library starts with).
DEFAULTS = Settings()


def common_options(parser: argparse.ArgumentParser, top: bool, model: bool = True) -> None:
    """--home, --model and -v, before the command (``top``) or after it. Without ``model`` (a
    command that never runs the model) --model is taken but not listed in its --help (a new-user
    review: 'trash --help' offered a model)."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=default,
        help="keep the catalog, settings and logs under DIR "
        "(default: the usual per-user folders; also $PHOTOORG_HOME)",
    )
    parser.add_argument(
        "--model",
        metavar="M",
        default=default,
        help="DINOv2 model for this run: a Hugging Face id or a local folder "
        f"(default: the one in the settings, {DEFAULTS.model} unless changed in the app)"
        if model
        else argparse.SUPPRESS,
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show informational messages",
    )


def described(subs: Any, name: str, text: str, model: bool = True, **kwargs: Any) -> argparse.ArgumentParser:
    """A sub-command whose own --help says what it does (a new-user review: 'album create
    --help' said nothing): its description is its one-line help unless it has one."""
    kwargs.setdefault("description", text[0].upper() + text[1:] + ".")
    parser = subs.add_parser(name, help=text, **kwargs)
    # After the last word as after the first (a new-user review: 'photoorg album list --home H'
    # was "unrecognized arguments", though --home works with every command).
    common_options(parser, top=False, model=model)
    return parser


def command_group(sub: Any, name: str, text: str, description: str, model: bool = True) -> Any:
    """A command of sub-commands (``photoorg library WHAT``, ``photoorg album WHAT``), with the
    shared options on it and on each sub-command; returns its sub-command set."""
    group = sub.add_parser(name, help=text, description=description)
    common_options(group, top=False, model=model)
    return group.add_subparsers(dest=f"{name}_command", metavar="WHAT", required=True)


def folders_option(parser: argparse.ArgumentParser, flag: str, text: str, dest: str | None = None) -> None:
    """A repeatable folder option (--protect, --prefer, --in): a list, empty when not given."""
    parser.add_argument(flag, dest=dest, action="append", default=[], metavar="DIR", help=text)


def no_wait(parser: argparse.ArgumentParser) -> None:
    """--no-wait: fail at once instead of waiting for another photoorg."""
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="when another photoorg is changing this library, fail at once (exit code 75) "
        "instead of waiting for it",
    )


def embedding_options(parser: argparse.ArgumentParser) -> None:
    """How the model runs for this command: device, number format, preprocessing, batches."""
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default=None,
        help="where to run the model (default: the setting; auto: CUDA, then Apple MPS, then CPU)",
    )
    parser.add_argument(
        "--dtype",
        choices=DTYPES,
        default=None,
        help=(
            "number format (default: the setting; auto: fp16 on GPUs, bf16 on CPUs that have it, "
            "else fp32; int8: faster on a CPU, the model made once in int8 for ONNX Runtime)"
        ),
    )
    parser.add_argument(
        "--preprocess",
        choices=PREPROCESS_CHOICES,
        default=None,
        help=(
            "how photos are prepared for the model (default: the setting; auto: as the library's "
            f"photos were, the newest, {PREPROCESS_CHOICES[-1]}, for a new library). A newer "
            "version looks at every photo again; the notes say when one exists and how long "
            "that would take"
        ),
    )
    parser.add_argument(
        "--batch-size",
        type=at_least(1),
        metavar="N",
        default=None,
        help="photos per model batch (default 64 on CUDA, 32 on MPS, 16 on CPU)",
    )
    parser.add_argument(
        "--workers",
        type=at_least(1),
        metavar="N",
        default=None,
        help="decode threads (default: cores - 1, 2 to 16)",
    )
    parser.add_argument(
        "--offline", action="store_true", help="never download the model; use only what is on this computer"
    )


def folders_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """The folders a command works on, the library's by default."""
    parser.add_argument(
        "folders",
        nargs="*",
        metavar="DIR",
        help=f"{what} (default: the library's folders)",
    )
