"""The language of the grader and a check child: frames of a JSON header and `.npy` parts, size-limited,
and the checksum of a timed call's result."""

import io
import json
import math
import os
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from tensor_gears.sandbox.inside import protocol
from tensor_gears.sandbox.inside.protocol import (
    MAX_BLOB, MAX_HEADER, checksum, frame_bytes, npy_bytes, npy_load, parse_frame, read_frame, write_frame,
)


def body(frame: bytes) -> bytes:
    (size,) = struct.unpack_from(">Q", frame)
    assert size == len(frame) - 8
    return frame[8:]


def test_a_frame_carries_its_header_and_blobs_unchanged():
    header = {"op": "call", "nonce": "3f" * 16, "args": [{"blob": 0}], "text": "é"}
    blobs = [b"", b"\x00" * 3, bytes(range(256))]
    assert parse_frame(body(frame_bytes(header, blobs))) == (header, blobs)


def test_frames_cross_a_pipe_whole_however_the_writes_are_cut():
    read_end, write_end = os.pipe()
    big = os.urandom(1 << 20)  # larger than a pipe's buffer: written in pieces while the other side reads

    def write_two():
        write_frame(write_end, {"n": 1}, [big])
        write_frame(write_end, {"n": 2})

    writer = threading.Thread(target=write_two)
    writer.start()
    try:
        assert read_frame(read_end) == ({"n": 1}, [big])
        assert read_frame(read_end) == ({"n": 2}, [])
    finally:
        writer.join()
        os.close(write_end)
    with pytest.raises(EOFError):
        read_frame(read_end)
    os.close(read_end)


@pytest.mark.parametrize("array", [np.arange(6, dtype=np.int32).reshape(2, 3), np.linspace(-1, 1, 5),
                                   np.zeros((0, 4), np.float32), np.array(True), np.ones((3, 2), np.uint8).T])
def test_npy_bytes_round_trip_values_shape_and_dtype(array):
    back = npy_load(npy_bytes(array))
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)


def test_objects_never_cross_as_pickles():
    with pytest.raises(ValueError):
        npy_bytes(np.array([{"a": 1}], dtype=object))
    buffer = io.BytesIO()
    np.save(buffer, np.array([None], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError):
        npy_load(buffer.getvalue())


def malformed():
    good = body(frame_bytes({"a": 1}, [b"xy"]))
    yield "empty", b""
    yield "shorter than its part count", b"\x00\x00"
    yield "no parts", struct.pack(">I", 0)
    yield "fewer parts than counted", struct.pack(">I", 3) + good[4:]  # good holds 2
    yield "a part size cut short", struct.pack(">I", 1) + b"\x00\x00"
    yield "too many parts", struct.pack(">I", protocol.MAX_BLOBS + 2)
    yield "a part longer than the frame", good[:-1]
    yield "a part beyond the limit", struct.pack(">I", 1) + struct.pack(">Q", MAX_BLOB + 1)
    yield "trailing bytes", good + b"\x00"
    yield "a header that is not an object", body(frame_bytes([]))
    yield "a header that is not JSON", struct.pack(">I", 1) + struct.pack(">Q", 3) + b"{x}"
    big = json.dumps({"a": "x" * MAX_HEADER}).encode()
    yield "a header beyond the limit", struct.pack(">I", 1) + struct.pack(">Q", len(big)) + big


@pytest.mark.parametrize("frame", [frame for _, frame in malformed()], ids=[name for name, _ in malformed()])
def test_a_malformed_frame_is_refused_as_a_value_error(frame):
    """The grader reads a reply it cannot parse as the child's fault (process.Child.request catches ValueError)."""
    with pytest.raises(ValueError):
        parse_frame(frame)


def test_a_frame_announced_beyond_the_limit_is_refused_before_it_is_read():
    read_end, write_end = os.pipe()
    os.write(write_end, struct.pack(">Q", MAX_BLOB * 4 + 1))
    os.close(write_end)
    with pytest.raises(ValueError, match="too large"):
        read_frame(read_end)
    os.close(read_end)


def test_the_checksum_is_the_weighted_sum_of_exactly_a_plain_array_of_the_weights_shape():
    weights = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert checksum(np.array([[1, 2], [4, 1]]), weights) == 1 - 4 + 2 + 3
    assert checksum(np.array([[True, False], [False, True]]), weights) == 4.0

    class Subclass(np.ndarray):
        pass

    for wrong in (np.ones((2, 2)).view(Subclass), np.ones(4), np.ones((2, 2), complex), [[1, 2], [3, 4]],
                  np.ones((2, 2), object)):
        assert math.isnan(checksum(wrong, weights)), wrong


def test_a_process_names_itself_for_ps():
    comm = Path("/proc/self/comm")
    before = comm.read_text().strip()
    try:
        protocol.name_process(protocol.HARNESS_NAME)
        assert comm.read_text().strip() == "tg-harness"
    finally:
        protocol.name_process(before)
