"""The GPU JPEG path (photoorg.core.gpu_jpeg) gives the CPU path's picture.

nvJPEG itself needs an NVIDIA GPU (tests/bench/bench_gpu_decode.py measures it there); what it
hands over, a fully decoded picture, is made here by Pillow, and everything photoorg does with
it (the block average of the draft scale, the turn upright, the resize, the fallback) runs on
the CPU exactly as on the GPU."""

from __future__ import annotations

import gc
import io
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageOps

from photoorg.core import gpu_jpeg, gpu_pictures, imaging, pixel_hashes
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.gpu_jpeg import GpuJpeg
from photoorg.core.gpu_pictures import draft_scale, orient, shrink
from photoorg.core.pipeline import run_scan

DATA = Path(__file__).resolve().parents[1] / "data"
SHORT, CROP = 256, 224


def _jpeg(size: tuple[int, int], orientation: int = 1, source: str = "rocket.jpg") -> bytes:
    img = Image.open(DATA / source).convert("RGB").resize(size, Image.Resampling.BICUBIC)
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


class PillowStandIn:
    """What nvJPEG hands photoorg, a full-size decode, made by Pillow on the CPU."""

    name = "full decode (Pillow), shrunk as on the GPU"

    def __init__(self) -> None:
        self.calls = 0

    def picture(
        self, data: bytes, scale: int, orientation: int, size: tuple[int, int], pixels: int
    ) -> tuple[np.ndarray, pixel_hashes.Looks]:
        self.calls += 1
        full = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        picture = shrink(torch.from_numpy(full.copy()), scale, orientation, size)
        return picture, pixel_hashes.looks([picture])[0]


class CannotDecode:
    name = "nothing"

    def picture(self, data: bytes, scale: int, orientation: int, size: tuple[int, int], _: int) -> None:
        return None


@pytest.mark.parametrize(
    "size", [(4032, 3024), (3024, 4032), (2000, 1500), (1100, 700), (640, 480), (511, 300)]
)
def test_draft_scale_is_the_scale_pillow_decodes_at(size: tuple[int, int]) -> None:
    w, h = size
    scale = imaging.DRAFT_OVERSAMPLE * SHORT / min(w, h)
    want = (math.ceil(w * scale), math.ceil(h * scale))
    img = Image.open(io.BytesIO(_jpeg(size)))
    img.draft("RGB", want)
    s = draft_scale(w, h, want)
    assert img.size == (-(-w // s), -(-h // s))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orient_turns_a_picture_as_pillow_does(orientation: int) -> None:
    stored = np.arange(5 * 3 * 3, dtype=np.uint8).reshape(5, 3, 3)  # no two pixels alike
    img = Image.fromarray(stored, "RGB")
    exif = img.getexif()
    exif[0x0112] = orientation
    img.info["exif"] = exif.tobytes()
    expected = np.asarray(ImageOps.exif_transpose(img))
    assert np.array_equal(orient(torch.from_numpy(stored), orientation).numpy(), expected)


@pytest.mark.parametrize(("size", "orientation"), [((4032, 3024), 1), ((4032, 3024), 6), ((1600, 1200), 8)])
def test_a_picture_made_as_on_the_gpu_is_the_draft_picture(
    size: tuple[int, int], orientation: int, tiny_model: Path
) -> None:
    data = _jpeg(size, orientation)
    cpu = imaging.decode(data, SHORT)
    gpu = imaging.decode(data, SHORT, gpu=PillowStandIn())  # type: ignore[arg-type]
    assert (gpu.width, gpu.height, gpu.format) == (cpu.width, cpu.height, cpu.format)
    a = imaging.model_input(cpu, SHORT, CROP).astype(np.float32)
    b = imaging.model_input(gpu, SHORT, CROP).astype(np.float32)
    # The same picture, up to how a DCT scale and a block average differ (of 255 levels)
    assert np.abs(a - b).mean() < 1.0  # measured: 0.1 to 0.2
    assert (
        pixel_hashes.hash_distance(
            pixel_hashes.perceptual_hash(cpu.image),
            gpu.looks.phash,  # type: ignore[arg-type, union-attr]
        )
        <= 4
    )
    vectors = Embedder(str(tiny_model), device="cpu", dtype="fp32").embed(np.stack([a, b]).astype(np.uint8))
    assert float(vectors[0] @ vectors[1]) > 0.9995


def test_a_jpeg_the_gpu_cannot_decode_goes_through_pillow() -> None:
    data = _jpeg((2000, 1500), 6)
    cpu = imaging.decode(data, SHORT)
    fell_back = imaging.decode(data, SHORT, gpu=CannotDecode())  # type: ignore[arg-type]
    assert fell_back.image is not None and cpu.image is not None
    assert np.array_equal(np.asarray(fell_back.image), np.asarray(cpu.image))


def test_only_jpegs_decoded_reduced_go_to_the_gpu(tmp_path: Path) -> None:
    stand_in = PillowStandIn()
    png = io.BytesIO()
    Image.open(DATA / "coffee.png").save(png, "PNG")
    imaging.decode(png.getvalue(), SHORT, gpu=stand_in)  # type: ignore[arg-type]
    imaging.decode(_jpeg((1600, 1200)), None, gpu=stand_in)  # full size asked: Pillow
    imaging.decode(_jpeg((1600, 1200)), SHORT, pixels=False, gpu=stand_in)  # header only
    assert stand_in.calls == 0
    imaging.decode(_jpeg((1600, 1200)), SHORT, gpu=stand_in)  # type: ignore[arg-type]
    assert stand_in.calls == 1


def test_no_gpu_decoder_without_an_nvidia_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gpu_jpeg.for_device("cpu") is None
    assert gpu_jpeg.for_device("mps") is None
    if not torch.cuda.is_available():
        assert gpu_jpeg.for_device("cuda") is None
    monkeypatch.setenv(gpu_jpeg.ENV_SWITCH, "0")
    assert gpu_jpeg.for_device("cuda") is None


class NvImageCodecOnTheCpu:
    """nvImageCodec's Python interface as photoorg uses it, decoding with Pillow (the real one
    needs an NVIDIA GPU): it records the batches it is given, and declines what ``refuse``
    says (as nvJPEG declines a stream it cannot decode)."""

    __version__ = "on the CPU"

    class BackendKind:
        HW_GPU_ONLY, HYBRID_CPU_GPU = "hardware", "hybrid"

    class Backend:
        def __init__(self, kind: str, load_hint: float = 1.0) -> None:
            self.kind = kind

    class DecodeParams:
        def __init__(self, **params: object) -> None:
            assert params == {"apply_exif_orientation": False}  # photoorg turns the picture

    class CodeStream:
        def __init__(self, data: bytes) -> None:
            self.data = data

    def __init__(
        self, refuse=lambda data: False, fail=lambda data: False, make_fails=lambda n: False
    ) -> None:
        self.batches: list[int] = []
        self.pixels: list[int] = []  # of each batch, as stored
        self.decoders = 0
        self.backends: list[list[str]] = []  # of each decoder made, in order
        codec = self

        class Decoder:
            def __init__(self, device_id: int = 0, backends: list | None = None) -> None:
                os.write(2, b"Failed to load nvjpeg2k library! Please install nvJPEG2000\n")  # as it does
                codec.decoders += 1
                codec.backends.append([b.kind for b in backends or []])
                if make_fails(codec.decoders):
                    raise RuntimeError("CUDA out of memory")
                assert [b.kind for b in backends or []][-1:] == ["hybrid"]  # the CUDA decoder last

            def decode(self, streams: list, params: object = None, cuda_stream: int = 0) -> list:
                codec.batches.append(len(streams))
                codec.pixels.append(sum(math.prod(Image.open(io.BytesIO(s.data)).size) for s in streams))
                if any(fail(s.data) for s in streams):
                    raise RuntimeError("out of GPU memory")
                return [None if refuse(s.data) else _full(s.data) for s in streams]

        self.Decoder = Decoder


def _full(data: bytes) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(data)).convert("RGB"))  # a picture of its own, as nvJPEG's


def test_photos_asked_for_at_once_are_decoded_in_batches() -> None:
    codec = NvImageCodecOnTheCpu()
    gpu = GpuJpeg(codec, "cpu")
    photos = [_jpeg((1200 + 40 * i, 900), 6 if i % 3 == 0 else 1) for i in range(24)]
    with ThreadPoolExecutor(24) as pool:
        got = list(pool.map(lambda d: imaging.decode(d, SHORT, gpu=gpu), photos))
    for data, decoded in zip(photos, got, strict=True):
        expected = imaging.decode(data, SHORT, gpu=PillowStandIn())  # type: ignore[arg-type]
        assert np.array_equal(decoded.array(), expected.array())
        # Its hashes are those of its picture; its tone, measured on the GPU's grid, is close
        on_cpu = pixel_hashes.looks([decoded.array()])[0]
        assert decoded.looks is not None and expected.looks == on_cpu
        assert (decoded.looks.phash, decoded.looks.turns) == (on_cpu.phash, on_cpu.turns)
        assert np.allclose(decoded.looks.tone, on_cpu.tone, atol=0.01)
    assert sum(codec.batches) == 24 and max(codec.batches) > 1
    assert gpu.declined == 0
    # Where the lanes' time went, for benchmarks: decoding, shrinking and hashing each took some
    assert min(gpu.seconds.values()) > 0 and gpu.batches == len(codec.batches)


def test_what_the_gpu_declines_or_fails_on_is_decoded_by_pillow() -> None:
    refused = _jpeg((1600, 1200), 6, "hubble_deep_field.jpg")
    failing = _jpeg((1600, 1200), 1, "retina.jpg")
    for codec, data in (
        (NvImageCodecOnTheCpu(refuse=lambda d: d == refused), refused),
        (NvImageCodecOnTheCpu(fail=lambda d: d == failing), failing),
    ):
        gpu = GpuJpeg(codec, "cpu")
        decoded = imaging.decode(data, SHORT, gpu=gpu)
        assert np.array_equal(decoded.array(), imaging.decode(data, SHORT).array())
        assert gpu.declined == 1
        ok = _jpeg((1600, 1200), 1, "rocket.jpg")
        again = imaging.decode(ok, SHORT, gpu=gpu)  # the decoder still works after it
        assert gpu.declined == 1 and again.array().shape == (256, 341, 3)


def test_a_scan_with_jpegs_decoded_on_the_gpu_stores_the_vectors_of_a_cpu_scan(
    tmp_path: Path, tiny_model: Path, photoorg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Pictures"
    folder.mkdir()
    for i, source in enumerate(["rocket.jpg", "retina.jpg", "aloeL.jpg", "grand_canyon_2.jpg"]):
        (folder / f"p{i}.jpg").write_bytes(_jpeg((1600, 1200), 6 if i % 2 else 1, source))
    Image.open(DATA / "coffee.png").save(folder / "coffee.png")
    codec = NvImageCodecOnTheCpu()
    asked: list[str] = []

    def for_device(device: str) -> GpuJpeg:
        asked.append(device)
        return GpuJpeg(codec, "cpu")

    vectors, looks = [], []
    for decoder in ("Pillow", "nvJPEG"):
        with monkeypatch.context() as m:
            if decoder == "nvJPEG":  # the model runs on the CPU, the JPEGs go through the stand-in
                m.setattr(gpu_jpeg, "for_device", for_device)
            with Catalog(tmp_path / f"{decoder}.sqlite3") as catalog:
                summary = run_scan([folder], catalog, Embedder(str(tiny_model), device="cpu", batch_size=2))
                assert summary.embedded == 5 and not summary.failures
                assert summary.decoder == (
                    "Pillow" if decoder == "Pillow" else "nvJPEG (nvImageCodec on the CPU)"
                )
                [model] = catalog.models()
                paths, matrix = catalog.vectors(model.id)
                vectors.append(dict(zip(paths, matrix, strict=True)))
                looks.append({p.path: (p.phash, p.tone) for p in catalog.photos()})
    assert asked == ["cpu"] and sum(codec.batches) == 4  # the PNG went through Pillow
    for path, v in vectors[0].items():
        assert float(v @ vectors[1][path]) > 0.9995
        # The pixel hashes the GPU's batches made: those of the same picture up to decoding
        (cpu_hash, cpu_tone), (gpu_hash, gpu_tone) = looks[0][path], looks[1][path]
        assert pixel_hashes.hash_distance(cpu_hash, gpu_hash) <= 4  # type: ignore[arg-type]
        assert np.allclose(cpu_tone, gpu_tone, atol=0.01)  # type: ignore[arg-type]


def test_nvimagecodecs_false_alarms_stay_off_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    gpu = GpuJpeg(NvImageCodecOnTheCpu(), "cpu", lanes=2)
    imaging.decode(_jpeg((1600, 1200)), SHORT, gpu=gpu)
    os.write(2, b"a real message\n")
    assert capfd.readouterr().err == "a real message\n"


def test_a_batch_holds_no_more_pixels_than_a_gpu_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    cap = 8_000_000
    monkeypatch.setattr(gpu_jpeg, "BATCH_PIXELS", cap)
    codec = NvImageCodecOnTheCpu()
    gpu = GpuJpeg(codec, "cpu", lanes=1)
    small = [_jpeg((1600, 1200), 1, source) for source in ("rocket.jpg", "retina.jpg", "aloeL.jpg")]
    large = _jpeg((4000, 3000), 1, "hubble_deep_field.jpg")  # 12 MP: more than the cap alone
    photos = [*small, large] * 4
    with ThreadPoolExecutor(len(photos)) as pool:
        got = list(pool.map(lambda d: imaging.decode(d, SHORT, gpu=gpu), photos))
    assert all(g.pixels is not None and g.width in (1600, 4000) for g in got) and gpu.declined == 0
    assert sum(codec.batches) == len(photos)
    for n, pixels in zip(codec.batches, codec.pixels, strict=True):
        assert pixels <= cap or n == 1, (codec.batches, codec.pixels)


def test_photos_the_gpu_does_not_decode_take_turns_for_the_cores(
    tmp_path: Path, tiny_model: Path, photoorg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan runs 64 threads to fill the GPU's batches, but decodes PNGs (HEICs, RAWs) only
    as many at a time as it has decoding threads without a GPU (a review: 64 at once)."""
    folder = tmp_path / "Pictures"
    folder.mkdir()
    for i in range(16):
        Image.open(DATA / "coffee.png").rotate(i * 20).save(folder / f"c{i}.png")
    for i, source in enumerate(["rocket.jpg", "retina.jpg", "aloeL.jpg", "leuvenA.jpg"]):
        (folder / f"p{i}.jpg").write_bytes(_jpeg((1600, 1200), 1, source))
    gpu = GpuJpeg(NvImageCodecOnTheCpu(), "cpu")
    monkeypatch.setattr(gpu_jpeg, "for_device", lambda device: gpu)
    decode, lock, now, most = imaging.decode, threading.Lock(), [0], [0]

    def counted(data: bytes, *args: object, **kw: object) -> imaging.Decoded:
        if data.startswith(b"\x89PNG"):
            with lock:
                now[0] += 1
                most[0] = max(most[0], now[0])
            time.sleep(0.05)
        try:
            return decode(data, *args, **kw)  # type: ignore[arg-type]
        finally:
            if data.startswith(b"\x89PNG"):
                with lock:
                    now[0] -= 1

    monkeypatch.setattr(imaging, "decode", counted)
    with Catalog(tmp_path / "c.sqlite3") as catalog:
        summary = run_scan([folder], catalog, Embedder(str(tiny_model), device="cpu"), decode_workers=2)
    assert summary.embedded == 20 and not summary.failures
    assert most[0] == 2


def test_an_idle_decoder_holds_no_photo(tmp_path: Path) -> None:
    gpu = GpuJpeg(NvImageCodecOnTheCpu(), "cpu")
    photos = [_jpeg((1600, 1200), 1, s) for s in ("rocket.jpg", "retina.jpg", "aloeL.jpg")] * 4
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda d: imaging.decode(d, SHORT, gpu=gpu), photos))
    time.sleep(0.2)
    gc.collect()
    assert not [o for o in gc.get_objects() if type(o) is gpu_jpeg._Ask]


def test_the_terminal_is_quiet_only_while_decoders_are_made(capfd: pytest.CaptureFixture[str]) -> None:
    """nvImageCodec's false alarms come when a decoder is made: all of them are made with the
    GpuJpeg, none in the middle of a scan, when other threads have something to say."""
    codec = NvImageCodecOnTheCpu()
    gpu = GpuJpeg(codec, "cpu", lanes=3)
    assert codec.decoders == 3
    said = threading.Event()

    def talk() -> None:
        for i in range(20):
            os.write(2, f"line {i}\n".encode())
            time.sleep(0.005)
        said.set()

    talker = threading.Thread(target=talk)
    talker.start()
    photos = [_jpeg((1600, 1200), 1, s) for s in ("rocket.jpg", "retina.jpg")] * 6
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda d: imaging.decode(d, SHORT, gpu=gpu), photos))
    talker.join()
    assert codec.decoders == 3
    assert capfd.readouterr().err == "".join(f"line {i}\n" for i in range(20))


def test_a_gpu_decoder_that_cannot_be_made_is_none_and_tried_again(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(RuntimeError, match="out of memory"):
        GpuJpeg(NvImageCodecOnTheCpu(make_fails=lambda n: n == 2), "cpu", lanes=2)
    monkeypatch.setattr(gpu_jpeg, "_opened", {})
    opened: list[GpuJpeg | None] = [None, GpuJpeg(NvImageCodecOnTheCpu(), "cpu")]
    monkeypatch.setattr(gpu_jpeg, "_open", lambda device: opened.pop(0))
    assert gpu_jpeg.for_device("cuda") is None  # the GPU's memory was full at the first scan
    assert gpu_jpeg.for_device("cuda") is gpu_jpeg.for_device("cuda") is not None


def test_photos_nvjpeg_fails_on_are_said_once(caplog: pytest.LogCaptureFixture) -> None:
    failing = NvImageCodecOnTheCpu(fail=lambda d: True)
    gpu = GpuJpeg(failing, "cpu", lanes=1)
    photos = [_jpeg((1600, 1200), 1, s) for s in ("rocket.jpg", "retina.jpg")]
    with caplog.at_level("WARNING", logger="photoorg.core.gpu_jpeg"):
        for data in photos * 2:
            assert imaging.decode(data, SHORT, gpu=gpu).image is not None  # by Pillow
    assert gpu.declined == 4
    assert [r.getMessage() for r in caplog.records if "nvJPEG" in r.getMessage()] == [
        "nvJPEG could not decode 1 photos (out of GPU memory); Pillow decodes them"
    ]


def test_photos_of_one_kind_are_made_small_together_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gpu_jpeg, "CHUNK_PIXELS", 5 * 1600 * 1200)  # five photos in one go
    codec = NvImageCodecOnTheCpu()
    gpu = GpuJpeg(codec, "cpu", lanes=1)
    sources = ["rocket.jpg", "retina.jpg", "aloeL.jpg", "grand_canyon_2.jpg"]
    photos = [_jpeg((1600, 1200), 6 if i < 8 else 1, sources[i % 4]) for i in range(12)]
    with ThreadPoolExecutor(12) as pool:
        got = list(pool.map(lambda d: imaging.decode(d, SHORT, gpu=gpu), photos))
    for data, decoded in zip(photos, got, strict=True):
        alone = imaging.decode(data, SHORT, gpu=PillowStandIn())  # type: ignore[arg-type]
        assert np.array_equal(decoded.array(), alone.array())
        assert decoded.looks is not None and alone.looks is not None
        assert decoded.looks.phash == alone.looks.phash
    assert gpu.declined == 0 and sum(codec.batches) == 12


def test_the_grey_made_on_the_gpu_is_pillows() -> None:
    rgb = np.random.default_rng(5).integers(0, 256, (3, 40, 30, 3), dtype=np.uint8)
    rgb[0, :4] = 255  # the brightest and darkest: the rounding at the ends
    rgb[0, 4:8] = 0
    grey, grid = gpu_pictures.hash_parts(torch.from_numpy(rgb))
    for picture, g, cells in zip(rgb, grey.numpy(), grid.numpy(), strict=True):
        assert np.array_equal(g, np.asarray(Image.fromarray(picture).convert("L")))
        assert cells.shape == (32, 32, 3)
    assert np.isclose(grid.numpy().mean(), rgb.astype(np.float64).mean(), atol=1.0)


def test_pictures_the_gpu_cannot_make_small_are_decoded_by_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    def out_of_memory(pictures: object) -> None:
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(gpu_pictures, "hash_parts", out_of_memory)
    gpu = GpuJpeg(NvImageCodecOnTheCpu(), "cpu", lanes=1)
    data = _jpeg((1600, 1200), 6)
    decoded = imaging.decode(data, SHORT, gpu=gpu)
    assert gpu.declined == 1 and decoded.looks is None
    assert np.array_equal(decoded.array(), imaging.decode(data, SHORT).array())


def test_one_lane_gives_the_hardware_decoder_its_jpegs_first() -> None:
    """The GPU's JPEG engines and nvJPEG's CUDA decoder (on the CPU's cores) work side by side
    in lanes of their own; a JPEG the engines decline goes to CUDA in the same lane."""
    codec = NvImageCodecOnTheCpu()
    GpuJpeg(codec, "cpu", lanes=3, hw_lanes=1)
    assert codec.backends == [["hardware", "hybrid"], ["hybrid"], ["hybrid"]]
    codec = NvImageCodecOnTheCpu()
    GpuJpeg(codec, "cpu", lanes=2, hw_lanes=0)
    assert codec.backends == [["hybrid"], ["hybrid"]]


def test_thin_strips_made_larger_are_made_a_few_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk is bounded by the pixels it is made into too: a 300x2 strip becomes 4800x32."""
    monkeypatch.setattr(gpu_jpeg, "CHUNK_PIXELS", 2 * 4800 * 32)
    made: list[int] = []
    shrunk = gpu_pictures.shrunk

    def counted(pixels: torch.Tensor, *args: object) -> torch.Tensor:
        out = shrunk(pixels, *args)  # type: ignore[arg-type]
        made.append(out.shape[0] * out.shape[1] * out.shape[2])
        return out

    monkeypatch.setattr(gpu_pictures, "shrunk", counted)
    gpu = GpuJpeg(NvImageCodecOnTheCpu(), "cpu", lanes=1)
    sources = ("rocket.jpg", "retina.jpg", "aloeL.jpg", "coffee.png")
    strips = [_jpeg((300, 2), 1, source) for source in sources]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda d: imaging.decode(d, 32, gpu=gpu), strips))
    assert all(g.array().shape == (32, 4800, 3) for g in got) and gpu.declined == 0
    assert sum(made) == 4 * 4800 * 32 and max(made) <= gpu_jpeg.CHUNK_PIXELS
