"""Two calls at once: `race(a, b)` starts both on threads behind a barrier and gives what each returned
or raised (an exception is a value here), so a test can check that whichever won, the other saw it."""

from __future__ import annotations

import threading
from typing import Any, Callable, List


def race(*calls: Callable[[], Any], timeout: float = 60.0) -> List[Any]:
    barrier = threading.Barrier(len(calls))
    results: List[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a racing call hung"
    return results
