"""A camera set to RAW+JPEG writes two files of each shot: ``IMG_1.CR2`` and ``IMG_1.JPG``, the
same name but for the extension, in the same folder. They are one shot kept twice on purpose:
the duplicate search and the threshold histogram leave the JPEG out (its RAW stands for the
shot) unless the person asks for such JPEGs to be offered (``offer_raw_jpegs``), and
organizing, a move and a copy take the RAW with its JPEG, and a Live Photo's video with its
still. A trash leaves the RAW (it may be what the person keeps of the shot) and takes a Live
Photo's video, which the app shows as one photo with its still (:func:`live_photos`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from photoorg.core.catalog import PhotoInfo
from photoorg.core.companions import LIVE_PHOTO_EXTENSIONS, RAW_EXTENSIONS, FolderListing, stem_key
from photoorg.core.raw import is_raw_name
from photoorg.core.scanner import is_photo_name
from photoorg.core.videos import VIDEO_EXTENSIONS, is_video_name

if TYPE_CHECKING:
    from photoorg.core.keeper import KeeperPolicy

#: The JPEG a camera writes beside its RAW.
_JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe"})


def raw_jpegs(photos: Iterable[PhotoInfo]) -> list[PhotoInfo]:
    """The JPEGs among ``photos`` that have a RAW of the same shot among them: the same name
    but for the extension (case aside, as cameras and file systems differ), in the same folder."""
    photos = list(photos)
    raws = {_shot(p.path) for p in photos if is_raw_name(p.path)}
    return [
        p for p in photos if os.path.splitext(p.path)[1].lower() in _JPEG_EXTENSIONS and _shot(p.path) in raws
    ]


def keep_beside_raw(
    ranked: list[PhotoInfo], reason: str, beside_raw: set[str], policy: KeeperPolicy
) -> tuple[list[PhotoInfo], str]:
    """Of exact copies of a camera's JPEG, the one beside its RAW is kept (unless a protected
    copy is the keeper): keeping another would split the pair for a copy of the same bytes."""
    return keep_paired(ranked, reason, beside_raw, policy, "beside its RAW of the same shot")


def keep_paired(
    ranked: list[PhotoInfo], reason: str, paired: Collection[str], policy: KeeperPolicy, why: str
) -> tuple[list[PhotoInfo], str]:
    """Of exact copies, the one in ``paired`` (beside its RAW, or with its Live Photo video)
    is kept, ``why`` (unless a protected copy is the keeper, or one in the library and that
    one is not): keeping another would split the shot for a copy of the same bytes."""
    keeper = ranked[0]
    if keeper.path in paired or policy.is_protected(keeper):
        return ranked, reason
    first = next((p for p in ranked if p.path in paired), None)
    if first is None or (policy.in_library(keeper) and not policy.in_library(first)):
        return ranked, reason
    others = [p for p in ranked if p is not first]
    return [first, *others], f"{why} ({os.path.dirname(first.path)})"


def _shot(path: str) -> tuple[str, str]:
    folder, name = os.path.split(path)
    return folder, os.path.splitext(name)[0].casefold()


def raws_beside_jpegs(photos: Iterable[PhotoInfo]) -> list[PhotoInfo]:
    """The RAWs among ``photos`` whose camera JPEG is among them too."""
    photos = list(photos)
    jpegs = {_shot(p.path) for p in photos if os.path.splitext(p.path)[1].lower() in _JPEG_EXTENSIONS}
    return [p for p in photos if is_raw_name(p.path) and _shot(p.path) in jpegs]


def travelling_with_a_photo(photos: Sequence[PhotoInfo], in_library: Mapping[str, str] | None) -> set[str]:
    """The photos that travel as companions of another (an organize moves them with it, under
    its new name): a video beside a photo of the same name (its Live Photo), a RAW beside the
    JPEG the camera wrote with it. For an import (``in_library``: the library's contents), a
    photo the library has stays out, not its RAW or video the library lacks: that comes in on
    its own (a hostile review: "the library has it already", and the card's only RAW, or Live
    Photo video, was left behind)."""
    videos: dict[tuple[str, str], list[str]] = defaultdict(list)  # (few: each place read once)
    for p in photos:
        if p.is_video:
            videos[_place(p)].append(p.path)
    stills = {_place(p) for p in photos if not p.is_video} if videos else set()
    with_a_photo = {path for k in stills & videos.keys() for path in videos[k]}
    with_a_photo |= {p.path for p in raws_beside_jpegs(photos)}
    if in_library is not None and with_a_photo:
        pairs = {p.path: _place(p) for p in photos if p.path in with_a_photo}
        places = set(pairs.values())
        had = set()
        for p in photos:
            if p.fingerprint in in_library and p.path not in with_a_photo and (k := _place(p)) in places:
                had.add(k)
        with_a_photo -= {
            p.path for p in photos if pairs.get(p.path) in had and p.fingerprint not in in_library
        }
    return with_a_photo


def dated_by_their_still(photos: Sequence[PhotoInfo], with_a_photo: Collection[str]) -> dict[str, PhotoInfo]:
    """A RAW or Live Photo video that travels on its own (its still left out of an import: the
    library has it) and has no date taken, dated by its still's: the same moment (a second
    hostile review: the card's video went to undated/, apart from its still)."""
    undated: dict[tuple[str, str], list[PhotoInfo]] = defaultdict(list)
    for p in photos:
        if not p.taken and p.path not in with_a_photo and (p.is_video or is_raw_name(p.path)):
            undated[_place(p)].append(p)
    if not undated:  # (most plans: the stills are not looked at)
        return {}
    dated = {}
    for still in photos:
        if not still.taken or still.is_video or is_raw_name(still.path):
            continue
        for p in undated.get(_place(still), ()):
            name = os.path.basename(still.path)
            dated[p.path] = replace(p, taken=still.taken, taken_known=still.taken_known, taken_from=name)
    return dated


def _place(photo: PhotoInfo) -> tuple[str, str]:
    """Its folder and the stem its companions share ("IMG_1" of IMG_1.JPG, IMG_1.MOV)."""
    return os.path.dirname(photo.path), stem_key(photo.path)


def is_live_video_name(path: str) -> bool:
    """Whether a file's extension is a Live Photo video's (.mov, .mp4)."""
    return os.path.splitext(path)[1].lower() in LIVE_PHOTO_EXTENSIONS


def same_shot(listing: FolderListing, photo: str) -> list[str]:
    """The files of ``photo``'s shot that a move or copy takes along: the RAW the camera wrote
    beside its JPEG, a Live Photo's video beside its still (the same name, letter for letter,
    but for the extension, in the same folder: IMG_1.jpg and img_1.CR2 are not taken as one, as
    their sidecar IMG_1.xmp could not follow both; a hostile review)."""
    ext = os.path.splitext(photo)[1].lower()
    if ext in VIDEO_EXTENSIONS or ext in RAW_EXTENSIONS:  # (a hostile review: v1.m4v took v1.mov)
        return []
    wanted = LIVE_PHOTO_EXTENSIONS | (RAW_EXTENSIONS if ext in _JPEG_EXTENSIONS else frozenset())
    return sorted(f for f in of_its_name(listing, photo) if os.path.splitext(f)[1].lower() in wanted)


def shot_files(listing: FolderListing, photos: Iterable[str]) -> dict[str, list[str]]:
    """Each photo's RAW and Live Photo video (:func:`same_shot`) that a move or copy of
    ``photos`` takes along: not one of ``photos`` itself, and each once."""
    photos = list(photos)
    claimed = set(photos)
    out: dict[str, list[str]] = {}
    for photo in photos:
        files = [f for f in same_shot(listing, photo) if f not in claimed]
        if files:
            claimed.update(files)
            out[photo] = files
    return out


def live_photos(photos: Sequence[PhotoInfo]) -> dict[str, PhotoInfo]:
    """Each Live Photo among ``photos``: its still's path -> its video, which the timeline shows
    folded behind the still, as one photo (a review: a phone's Live Photos were two tiles each,
    the video placed apart by its own date). The video (.mov, .mp4) is beside a still of the
    same name, letter for letter, but for the extension (:func:`same_shot`'s rule); the still
    is no RAW; of several stills of one name (IMG_1.HEIC, IMG_1.JPG) the first by name."""
    videos: dict[str, list[PhotoInfo]] = {}  # by path less extension ("…/IMG_1"): every file
    # photoorg catalogs has one
    for p in photos:
        if p.is_video and is_live_video_name(p.path):
            videos.setdefault(p.path[: p.path.rfind(".")], []).append(p)
    if not videos:  # (most libraries; each still's name read otherwise: 0.24 s at 110k photos)
        return {}
    stills: dict[str, str] = {}
    for p in photos:
        base = p.path[: p.path.rfind(".")]
        if (
            base in videos
            and not p.is_video
            and not is_raw_name(p.path)
            and p.path < stills.get(base, "\uffff")
        ):
            stills[base] = p.path
    return {still: min(videos[base], key=lambda v: v.path) for base, still in stills.items()}


def live_video_count(paths: Iterable[str], unreadable: Collection[str]) -> int:
    """How many of the files at ``paths`` are Live Photos' videos by :func:`live_photos`'s rule,
    told from the names alone (each beside a still of its name the scan could read, not in
    ``unreadable``): what a scan counts, without reading every row of the catalog again."""
    videos: set[str] = set()
    stills: set[str] = set()
    for path in paths:
        base = path[: path.rfind(".")]
        if is_video_name(path):
            if is_live_video_name(path):
                videos.add(base)
        elif not is_raw_name(path) and path not in unreadable:
            stills.add(base)
    return len(videos & stills)


def dated_by_their_video(photos: Sequence[PhotoInfo], live: Mapping[str, PhotoInfo]) -> dict[str, PhotoInfo]:
    """A Live Photo's still without a date taken, dated by its video's recording date (``live``:
    :func:`live_photos`), as one shot has one date (a new-user review: the still was placed by
    its file's date, today, and its video's 2020-06-01 was left unsaid)."""
    by_path = {p.path: p for p in photos if not p.taken and p.path in live}
    return {
        path: replace(p, taken=v.taken, taken_known=None, taken_from=os.path.basename(v.path))
        for path, p in by_path.items()
        if (v := live[path]).taken
    }


def live_videos(
    listing: FolderListing, photos: Iterable[str], known: Callable[[str], bool]
) -> dict[str, list[str]]:
    """Each photo's Live Photo video that a trash of ``photos`` takes along, as the app shows
    the two as one photo (:func:`live_photos`): the first video of its name that is ``known``
    (catalogued: shown with it), not while another still of that name stays beside it
    (IMG_1.HEIC keeps IMG_1.MOV when IMG_1.JPG goes). A video or a RAW takes none."""
    photos = [p for p in photos if not is_video_name(p) and not is_raw_name(p)]
    going = set(photos)
    out: dict[str, list[str]] = {}
    for photo in photos:
        beside = of_its_name(listing, photo)
        videos = sorted(f for f in beside if is_live_video_name(f) and known(f))
        stays = any(f not in going for f in stills_of(beside))
        if videos and not stays and all(videos[0] not in vs for vs in out.values()):
            out[photo] = videos[:1]
    return out


def of_its_name(listing: FolderListing, path: str) -> list[str]:
    """The files beside ``path`` (itself too) of its name, letter for letter, but for the
    extension: the files of one shot (:func:`same_shot`'s rule)."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    return [os.path.join(folder, n) for n in listing.names_beside(path) if os.path.splitext(n)[0] == stem]


def stills_of(paths: Iterable[str]) -> list[str]:
    """The photos among ``paths`` that may be a Live Photo's still: not a video, not a RAW."""
    return [p for p in paths if is_photo_name(p) and not is_raw_name(p)]


def going_with(
    photos: Collection[str], whole_shot: bool = False, live: Collection[str] | None = None
) -> list[str]:
    """The companions that a trash, move or copy of ``photos`` takes along, as its plan will
    (:func:`FolderListing.sidecars`): what a confirmation names before anything is touched.
    ``whole_shot`` (a move or copy): also each photo's RAW and Live Photo video, and theirs;
    ``live`` (a trash of photos): the catalogued Live Photo videos, each photo's of which goes
    with it (:func:`live_videos`), and its sidecars."""
    listing = FolderListing()
    shots = (
        shot_files(listing, photos)
        if whole_shot
        else live_videos(listing, photos, live.__contains__)
        if live is not None
        else {}
    )
    chosen = {*photos, *(f for files in shots.values() for f in files)}
    going: dict[str, None] = {}  # in order, each once (IMG_1.xmp of IMG_1.jpg and IMG_1.png)
    for photo in photos:
        for owner in (photo, *shots.get(photo, ())):
            if owner != photo:
                going[owner] = None
            going.update((s, None) for s, why in listing.sidecars(owner, chosen) if why is None)
    return list(going)
