"""The validate-ahead pipeline: batches in order, failures surface, nothing left running."""

import itertools
import sys
import threading

import pytest

from common.services.ingest.pipeline import BATCH_END, ChunkPipeline


def test_batches_arrive_in_order_and_know_whether_more_follow():
    chunks = ["a", "b", BATCH_END, "c", BATCH_END, BATCH_END]
    seen = []
    with ChunkPipeline(chunks, depth=2) as pipeline:
        for batch in pipeline.batches():
            seen.append(("".join(batch), batch.more))
    assert seen == [("ab", True), ("c", True), ("", False)]


def test_a_failure_while_validating_is_raised_to_the_consumer():
    def chunks():
        yield "a"
        yield BATCH_END
        raise OSError("bucket read failed")

    with ChunkPipeline(chunks(), depth=8) as pipeline, pytest.raises(OSError, match="bucket"):
        for batch in pipeline.batches():
            list(batch)


def test_a_failing_consumer_stops_the_worker_and_restores_the_switch_interval():
    endless = itertools.cycle(["row\n", BATCH_END])
    before = sys.getswitchinterval()
    pipeline = ChunkPipeline(endless, depth=2)
    with pytest.raises(RuntimeError), pipeline:
        for batch in pipeline.batches():
            list(batch)
            raise RuntimeError("database went away")
    assert "ingest-validate" not in {t.name for t in threading.enumerate()}
    assert sys.getswitchinterval() == before


def test_overlapping_pipelines_restore_the_switch_interval_once_both_end():
    before = sys.getswitchinterval()
    first = ChunkPipeline(["a", BATCH_END], depth=2)
    second = ChunkPipeline(["b", BATCH_END], depth=2)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() < before
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
