"""The language the grader and a check child speak: length-prefixed frames of a JSON header and
binary parts (`.npy` bytes, never pickles), and the checksum of a timed call's result.

Both sides import this module: the grader as `tensor_gears.sandbox.inside.protocol`, the
child (harness.py, in the box) from the folder the box binds read-only. It imports nothing
but the standard library (and NumPy, when a part is an array).
"""

import io
import json
import math
import os
import struct

# /proc/<pid>/comm of the box's processes, set on purpose (`name_process`; forkserver.set_name): a check
# child (harness.py, cold or forked), a template (forkserver.py), a kernel forked from one.
HARNESS_NAME, TEMPLATE_NAME, KERNEL_NAME = "tg-harness", "tg-template", "tg-kernel"
MAX_HEADER = 1 << 20
MAX_BLOB = 64 << 20
MAX_BLOBS = 4096


def frame_bytes(header: dict, blobs=()) -> bytes:
    """One frame: a JSON header and binary blobs, all length-prefixed."""
    parts = [json.dumps(header).encode(), *blobs]
    body = struct.pack(">I", len(parts)) + b"".join(struct.pack(">Q", len(part)) + part for part in parts)
    return struct.pack(">Q", len(body)) + body


def write_frame(fd: int, header: dict, blobs=()) -> None:
    view = memoryview(frame_bytes(header, blobs))
    while view:
        view = view[os.write(fd, view):]


def parse_frame(body: bytes) -> tuple[dict, list[bytes]]:
    """Split a frame body into (header, blobs), enforcing the size limits; a frame that is not one
    (cut short, too large) raises ValueError."""
    if len(body) < 4:
        raise ValueError("bad frame: no part count")
    (count,) = struct.unpack_from(">I", body, 0)
    if not 1 <= count <= MAX_BLOBS + 1:
        raise ValueError("bad frame: part count")
    offset, parts = 4, []
    for _ in range(count):
        if offset + 8 > len(body):
            raise ValueError("bad frame: fewer parts than counted")
        (size,) = struct.unpack_from(">Q", body, offset)
        offset += 8
        if size > MAX_BLOB or offset + size > len(body):
            raise ValueError("bad frame: part size")
        parts.append(bytes(body[offset:offset + size]))
        offset += size
    if offset != len(body) or len(parts[0]) > MAX_HEADER:
        raise ValueError("bad frame: trailing bytes or header too large")
    header = json.loads(parts[0].decode())
    if not isinstance(header, dict):
        raise ValueError("bad frame: header is not an object")
    return header, parts[1:]


def read_exactly(fd: int, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> tuple[dict, list[bytes]]:
    (size,) = struct.unpack(">Q", read_exactly(fd, 8))
    if size > MAX_BLOB * 4:
        raise ValueError("bad frame: too large")
    return parse_frame(read_exactly(fd, size))


def npy_bytes(array) -> bytes:
    import numpy

    buffer = io.BytesIO()
    numpy.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_load(data: bytes):
    import numpy

    return numpy.load(io.BytesIO(data), allow_pickle=False)


def checksum(result, weights) -> float:
    """The weighted sum of a timed call's result: NaN unless it is exactly a plain ndarray of the
    weights' shape. The weights are the grader's, drawn anew for every batch."""
    import numpy

    if type(result) is not numpy.ndarray or result.shape != weights.shape or result.dtype.kind not in "biuf":
        return math.nan
    return float(numpy.dot(result.ravel(), weights.ravel()))


def name_process(name: str) -> None:
    """Set this process's name (`ps -o comm`, /proc/<pid>/comm): how the grader's tests tell the
    box's processes apart, whatever their command line says."""
    try:
        with open("/proc/self/comm", "w") as comm:
            comm.write(name)
    except OSError:
        pass
