"""A dask.distributed LocalCluster with worker processes, for the cluster tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def local_client(n_workers: int) -> Iterator[Any]:
    """A client of a LocalCluster with ``n_workers`` single-threaded worker processes."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
