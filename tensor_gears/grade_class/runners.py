"""Where the workers run: a pool of processes on this machine, or a Dask cluster.

Both take (student, notebooks) jobs lazily, keep every worker busy, and yield each student's
report as it comes. A worker that dies mid-student costs that student a retry, not a grade:
after ATTEMPTS tries the student gets a report saying the grader failed.
"""

import multiprocessing
import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from uuid import uuid4

from ..core import Settings
from .worker import failed_report, grade_submission

ATTEMPTS = 2  # tries per student before a worker's death counts against the grade


class LocalPool:
    """Long-lived worker processes on this machine, one student at a time each."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def describe(self) -> str:
        return f"{self.workers} local worker process{'es' if self.workers > 1 else ''}"

    def pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["tensor_gears.grade_class.worker"])
        return ProcessPoolExecutor(self.workers, mp_context=context)

    def run(self, jobs, settings: Settings, progress):
        """Yield (student, report) for every (student, notebooks) of `jobs`."""
        jobs, retries, attempts = iter(jobs), deque(), {}
        inflight: dict = {}
        pool = self.pool()
        try:
            while True:
                while len(inflight) < self.workers:
                    job = retries.popleft() if retries else next(jobs, None)
                    if job is None:
                        break
                    attempts[job[0]] = attempts.get(job[0], 0) + 1
                    inflight[pool.submit(grade_submission, *job, settings)] = job
                    progress.started(job[0])
                if not inflight:
                    return
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                broken = []
                for future in done:
                    job = inflight.pop(future)
                    try:
                        yield job[0], future.result()
                    except BrokenProcessPool:
                        broken.append(job)
                    except Exception as error:  # the report could not come back
                        yield job[0], failed_report(job[0], f"grader failed: {type(error).__name__}: {error}")
                if broken:  # every job in flight died with the pool: start a new one
                    pool.shutdown(wait=True, cancel_futures=True)
                    broken += list(inflight.values())
                    inflight.clear()
                    for job in broken:
                        if attempts[job[0]] >= ATTEMPTS:
                            yield job[0], failed_report(job[0], f"grader failed: a worker died {ATTEMPTS} times "
                                                                "while grading this submission")
                        else:
                            progress.retrying(job[0], "a worker process died while grading it")
                            retries.append(job)
                    pool = self.pool()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """The workers of a Dask distributed cluster (`dask scheduler` / `dask worker`): each
    gets the submission as data and sends the report back; no shared filesystem."""

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address, timeout=30)
        self.workers = max(sum(self.client.nthreads().values()), 1)

    def describe(self) -> str:
        return f"the Dask cluster at {self.client.scheduler.address} ({self.workers} worker threads)"

    def run(self, jobs, settings: Settings, progress):
        from distributed import as_completed

        jobs, inflight = iter(jobs), {}
        running = as_completed()

        def submit_next() -> bool:
            job = next(jobs, None)
            if job is None:
                return False
            future = self.client.submit(grade_submission, *job, settings, key=f"grade-{job[0]}-{uuid4().hex[:8]}",
                                        retries=ATTEMPTS - 1, pure=False)
            inflight[future] = job[0]
            running.add(future)
            progress.started(job[0])
            return True

        try:
            for _ in range(self.workers):
                if not submit_next():
                    break
            for future in running:
                student = inflight.pop(future)
                try:
                    report = future.result()
                except Exception as error:  # retries used up, or the task's workers kept dying
                    report = failed_report(student, f"grader failed: {type(error).__name__}: {error}")
                finally:
                    future.release()
                yield student, report
                submit_next()
        finally:
            self.client.close()
