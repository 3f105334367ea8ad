"""What the engine sends the app during a first scan (issue 13): progress, and what the library
holds so far, with groups and every kind of duplicate set after 200, 1000 and 5000 photos
embedded, then every few minutes; never more often, since grouping takes seconds."""

from __future__ import annotations

from typing import Any

from photoorg.core.pipeline import STAGE_CATALOGUE, STAGE_EMBED
from photoorg.core.progress import Progress
from photoorg.engine import GROUPS_AT, GROUPS_EVERY_S, Partial, ProgressReport, _Reporter


class Pipe:
    """The app's end of the engine's pipe: what arrived, in order."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, message: Any) -> None:
        self.sent.append(message)


def test_groups_are_sent_after_200_1000_and_5000_photos_then_every_few_minutes(monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("photoorg.engine.time.monotonic", lambda: clock[0])
    pipe = Pipe()
    asked: list[tuple[int, bool]] = []
    progress = Progress()

    def snapshot(groups: bool) -> str:
        asked.append((progress.done, groups))
        return f"state at {progress.done}"

    progress = Progress(on_change=_Reporter(pipe, snapshot))
    progress.start_stage(STAGE_CATALOGUE, 20000)
    progress.advance(20000)
    assert asked == []  # nothing to show before the embedding starts (the timeline came earlier)
    progress.start_stage(STAGE_EMBED, 20000)
    for _ in range(5000):  # 4 photos a second, as dinov2-base on a small CPU
        clock[0] += 0.25
        progress.advance(4)
    with_groups = [done for done, groups in asked if groups]
    assert with_groups[:3] == list(GROUPS_AT) and with_groups[0] == 200
    later = with_groups[3:]
    assert later, "groups stopped coming after 5000 photos"
    gaps = [b - a for a, b in zip([GROUPS_AT[-1], *later], later, strict=False)]
    per_second = 4 / 0.25
    assert all(g >= GROUPS_EVERY_S * per_second for g in gaps)  # every GROUPS_EVERY_S, not more often
    assert asked[0] == (0, False)  # the timeline and exact copies as soon as embedding begins
    partials = [m for m in pipe.sent if isinstance(m, Partial)]
    assert len(partials) == len(asked) and any(isinstance(m, ProgressReport) for m in pipe.sent)
