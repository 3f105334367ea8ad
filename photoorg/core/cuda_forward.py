"""The model's forward on an NVIDIA GPU during a scan: on a CUDA stream of its own, and for full
batches replayed from a CUDA graph captured once.

Measured on an H200 (issue 15, tests/bench/results/h200_scan_ab.txt): alone, the model embeds
some 5000 photos/s either way. In a scan, its eager forward, some 300 kernel launches per
batch from Python, each taking Python's lock back from the scan's 64 decoding threads and the
GPU JPEG decoder's lanes, held the scan's own thread 1.0 to 2.5 s of a 2.6 to 3.1 s scan of
1300 photos: the one thread that commits every batch waited on it while the decoders sat idle.
A graph is one launch; the stream of its own keeps the model from waiting on the legacy
default stream's other work.

The graph gives the eager forward's numbers (the same kernels on the same shapes); a batch of
another size runs eagerly, and a graph that cannot be captured is not tried again (the forward
runs eagerly, as before). ``PHOTOORG_CUDA_GRAPH=0`` switches graphs off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any

log = logging.getLogger(__name__)

#: Set to 0 to run every batch eagerly.
ENV_SWITCH = "PHOTOORG_CUDA_GRAPH"
#: A graph keeps the memory of one forward for good (a few hundred MB for dinov2-base at batch
#: 64 in fp16): only where the GPU has this much free when it is made.
MIN_FREE_BYTES = 2 << 30


class CudaForward:
    """``model(pixel_values=x).pooler_output`` on ``device``, for inputs already there."""

    def __init__(self, model: Any, device: str) -> None:
        import torch

        self._model = model
        self.device = device
        self.stream = torch.cuda.Stream(device=device)
        self.stream.wait_stream(torch.cuda.current_stream(device))  # the weights, put there
        self._lock = threading.Lock()
        self._graphs: dict[tuple[int, ...], tuple[Any, Any, Any] | None] = {}
        self.graphs = os.environ.get(ENV_SWITCH, "1").strip() not in ("0", "no", "off")

    def __call__(self, x: Any, batch_size: int) -> Any:
        """The pooled output for ``x`` (N, 3, H, W), made on :attr:`stream`; a float32 tensor
        of its own, which later calls do not change. One call at a time (a review): nothing
        else runs on the stream while a graph is captured on it, and a graph's input and
        output are the same memory at every replay."""
        import torch

        with self._lock, torch.cuda.stream(self.stream):
            full = self.graphs and x.shape[0] == batch_size
            graph = self._graph(tuple(x.shape), x.dtype) if full else None
            if graph is None:
                return self._model(pixel_values=x).pooler_output.float()
            replay, given, answer = graph
            given.copy_(x)
            replay.replay()
            # A copy, made on the stream before the next replay (.float() of a float32 tensor
            # would be the graph's own output: a review).
            return answer.to(torch.float32, copy=True)

    def _graph(self, shape: tuple[int, ...], dtype: Any) -> tuple[Any, Any, Any] | None:
        if shape not in self._graphs:
            self._graphs[shape] = None  # tried once: a capture that fails is not tried again
            self._graphs[shape] = self._capture(shape, dtype)
        return self._graphs[shape]

    def _capture(self, shape: tuple[int, ...], dtype: Any) -> tuple[Any, Any, Any] | None:
        import torch

        free, _total = torch.cuda.mem_get_info(self.device)
        if free < MIN_FREE_BYTES:  # its memory is held for good: not on a GPU short of it
            log.info("the model runs eagerly: %.1f GB free on the GPU", free / 1e9)
            return None
        try:
            given = torch.zeros(shape, dtype=dtype, device=self.device)
            for _ in range(2):  # cuBLAS's and attention's workspaces are made before capture
                self._model(pixel_values=given)
            self.stream.synchronize()
            replay = torch.cuda.CUDAGraph()
            # thread_local: the scan's GPU JPEG lanes use CUDA in other threads meanwhile, on
            # streams of their own (PyTorch hands out 32 per priority, round robin: the lanes'
            # and this one are the few a scan makes).
            with torch.cuda.graph(replay, stream=self.stream, capture_error_mode="thread_local"):
                answer = self._model(pixel_values=given).pooler_output
            return replay, given, answer
        except Exception:
            log.warning("the model's CUDA graph could not be made; it runs eagerly", exc_info=True)
            self.graphs = False
            with contextlib.suppress(Exception):
                torch.cuda.synchronize(self.device)
            return None
