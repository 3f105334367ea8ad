"""The first-run estimate (issue 13): how long the model's first look at a library takes here
with each model size, from this machine's measured matrix-product rate; and the numbers it and
the duplicate sets are said in."""

from __future__ import annotations

import pytest
from transformers import Dinov2Config

from photoorg.core.embedder import vit_flops
from photoorg.core.estimate import CROP, first_scan, flops_per_photo
from photoorg.core.humanize import how_alike, rough_duration, similarity


@pytest.mark.parametrize(
    ("model", "config"),
    [
        ("facebook/dinov2-small", Dinov2Config(hidden_size=384, num_hidden_layers=12, num_attention_heads=6)),
        ("facebook/dinov2-base", Dinov2Config()),  # the defaults are dinov2-base's
        (
            "facebook/dinov2-large",
            Dinov2Config(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16),
        ),
    ],
)
def test_each_model_costs_what_its_architecture_does(model: str, config: Dinov2Config) -> None:
    assert flops_per_photo(model) == vit_flops(config, CROP)


def test_the_estimate_scales_with_the_photos_and_the_model_measured_on_this_cpu() -> None:
    one = first_scan(1000, "cpu", "fp32")
    assert one.device == "cpu" and one.dtype == "fp32" and one.flops_per_second > 1e9
    small, base, large = (
        one.seconds[m] for m in ("facebook/dinov2-small", "facebook/dinov2-base", "facebook/dinov2-large")
    )
    assert small < base < large
    assert base / small == pytest.approx(
        flops_per_photo("facebook/dinov2-base") / flops_per_photo("facebook/dinov2-small")
    )
    # photos / (measured rate / FLOPs per photo): no GPU-class speed from a CPU
    assert base == pytest.approx(1000 * flops_per_photo("facebook/dinov2-base") / one.flops_per_second)


def test_on_a_cpu_the_estimate_also_says_what_int8_would_take() -> None:
    """Issue 15: the first-run estimate shows fp32 and int8 side by side, int8 from the measured
    fp32 rate and the speed-up `photoorg bench` measured; not when int8 is chosen already."""
    from photoorg.core.estimate import INT8_SPEEDUP

    fp32 = first_scan(1000, "cpu", "fp32")
    base = "facebook/dinov2-base"
    assert fp32.int8_seconds[base] == pytest.approx(fp32.seconds[base] / INT8_SPEEDUP)
    assert first_scan(1000, "cpu", "int8").int8_seconds == {}


def test_durations_read_as_a_person_plans_by_them() -> None:
    assert [rough_duration(s) for s in (20, 25 * 60, 95 * 60, 11 * 3600 + 600, 51 * 3600)] == [
        "under a minute",
        "25 min",
        "1 h 35 min",
        "11 h",
        "2 days 3 h",
    ]
    assert rough_duration(24 * 3600) == "1 day"  # not "1 days"
    from photoorg.core.humanize import about_duration

    assert [about_duration(s) for s in (20, 25 * 60)] == ["under a minute", "about 25 min"]  # (a review:
    # "about under a minute")


def test_a_similarity_is_never_rounded_up_to_identical() -> None:
    """A review: a photo and its smaller re-save (cosine 0.99996) read "similarity 1.000"."""
    assert [similarity(v) for v in (0.99996, 0.999, 1.0000001, 0.9449999, -0.5)] == [
        "0.999", "0.999", "1.000", "0.944", "-0.500",
    ]  # fmt: skip
    assert how_alike(2, 0.99996) == "similarity 0.999"
    assert how_alike(3, 0.951) == "linked at 0.951 or more"
