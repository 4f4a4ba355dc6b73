"""Validate on a worker thread while Postgres merges the previous batch (bounded, in order).

One transaction has one connection, so Postgres can only work on one statement at a time; what
can overlap is Python's validation of batch N+1 with Postgres merging batch N into `claims`.
The worker hands over COPY text chunks through a bounded queue, so memory stays flat however
large the file is.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterable, Iterator

BATCH_END = object()  # marks the end of one batch in a chunk stream
_DONE = object()
_PUT_POLL_SECONDS = 0.1
# The consumer thread mostly waits on the socket; when a reply arrives it needs the GIL back
# from the validating thread. Python's default 5 ms switch interval made every such hand-over
# cost up to 5 ms (COPY of a 100k-row batch: 0.26 s instead of 0.17 s).
_SWITCH_INTERVAL_SECONDS = 0.0005


class _SwitchInterval:
    """The short switch interval while any pipeline runs; the previous one after the last."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._users = 0
        self._saved = 0.0

    def acquire(self) -> None:
        with self._lock:
            if not self._users:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.seconds))
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if not self._users:
                sys.setswitchinterval(self._saved)


_short_switch_interval = _SwitchInterval(_SWITCH_INTERVAL_SECONDS)


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class Batch:
    """The COPY text of one batch; iterate it once, then ask `more` (the worker ran on)."""

    def __init__(self, pipeline: ChunkPipeline) -> None:
        self._pipeline = pipeline

    def __iter__(self) -> Iterator[str]:
        while (item := self._pipeline.take()) is not BATCH_END:
            yield item

    @property
    def more(self) -> bool:
        """Whether another batch follows (waits for the worker's next item)."""
        return self._pipeline.peek() is not _DONE


class ChunkPipeline:
    """Runs `chunks` (str chunks separated by BATCH_END) on a worker thread, `depth` ahead."""

    def __init__(self, chunks: Iterable, depth: int) -> None:
        self._chunks = chunks
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._head = None
        self._has_head = False
        self._worker = threading.Thread(target=self._produce, name="ingest-validate", daemon=True)

    def __enter__(self) -> ChunkPipeline:
        _short_switch_interval.acquire()
        self._worker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()  # a consumer that failed must not leave the worker blocked on put
        self._worker.join()
        _short_switch_interval.release()

    def batches(self) -> Iterator[Batch]:
        """Each batch in order; the worker's exception, if any, is raised here."""
        while self.peek() is not _DONE:
            yield Batch(self)

    def take(self):
        """The next item, re-raising the worker's failure in the consumer's thread."""
        item = self.peek()
        self._has_head = False
        return item

    def peek(self):
        """The next item without consuming it."""
        if not self._has_head:
            self._head = self._queue.get()
            self._has_head = True
        if isinstance(self._head, _Failed):
            raise self._head.exc
        return self._head

    def _produce(self) -> None:
        try:
            for chunk in self._chunks:
                if not self._put(chunk):
                    return
            self._put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(_Failed(exc))

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_PUT_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False
