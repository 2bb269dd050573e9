"""What the instructor sees while a class is graded: a live bar and a line per student."""

import sys
import time


class Progress:
    """A bar redrawn in place on a terminal; on a pipe or a log file, one line per student."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.failed = total, 0, 0
        self.running: list[str] = []
        self.stream = stream
        self.live = stream.isatty()
        self.start = time.monotonic()

    def started(self, student: str):
        self.running.append(student)
        self.draw()

    def finished(self, student: str, status: str, ok: bool):
        if student in self.running:
            self.running.remove(student)
        self.done += 1
        self.failed += not ok
        self.clear()
        count = f"{self.done:>{len(str(self.total))}}/{self.total}"
        print(f"  [{count}] {student:<24} {status}", file=self.stream, flush=True)
        self.draw()

    def retrying(self, student: str, reason: str):
        if student in self.running:
            self.running.remove(student)
        self.clear()
        print(f"  retrying {student}: {reason}", file=self.stream, flush=True)

    def bar(self) -> str:
        width = 30
        filled = width * self.done // max(self.total, 1)
        elapsed = time.monotonic() - self.start
        left = f", ~{elapsed / self.done * (self.total - self.done):.0f} s left" if self.done else ""
        running = ", ".join(self.running[:3]) + (" ..." if len(self.running) > 3 else "")
        return (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} graded, {self.failed} with "
                f"problems, {elapsed:.0f} s{left}; grading: {running or '-'}")

    def draw(self):
        if self.live:
            print("\r\x1b[2K" + self.bar(), end="", file=self.stream, flush=True)

    def clear(self):
        if self.live:
            print("\r\x1b[2K", end="", file=self.stream, flush=True)

    def close(self):
        self.clear()
