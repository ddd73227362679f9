"""Bounded fan-out for provider calls: threads, each in a copy of the caller's context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import copy_context
from typing import TypeVar

__all__ = ["run_concurrently"]

T = TypeVar("T")


def run_concurrently(jobs: Sequence[Callable[[], T]], limit: int) -> list[T]:
    """Run `jobs` at most `limit` at a time; results in the jobs' order.

    Each job in a thread runs in a copy of this context, so its log lines carry the event's
    fields.
    """
    workers = max(1, min(limit, len(jobs)))
    if workers == 1:  # one job, or no concurrency: no thread to start and wait for
        return [job() for job in jobs]
    # Imported here: a request for one resource (the most common) never loads it.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tagstrip") as pool:
        tasks = [pool.submit(copy_context().run, job) for job in jobs]
        return [task.result() for task in tasks]
