"""The preview's file watcher: rebuilds the preview when a file of the base changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from briefgen.preview.state import Build, Preview, describe


def watch(preview: Preview, stop: threading.Event, on_build: Callable[[Build], None]) -> None:
    """Rebuild the preview after each batch of changes to a file of the previewed base,
    and pass each build to ``on_build``.

    watchfiles reports changes; every half second without one, the files are also
    compared with the last build, which catches what changed before the watcher
    started (or what a file system does not report). Whatever goes wrong (a
    directory that cannot be read, no file descriptor left), the watcher goes on:
    the preview shows the problem, and the watcher starts again a second later.
    """
    from watchfiles import watch as watch_files

    def wanted(change: Any, path: str) -> bool:
        return path.endswith((".yaml", ".yml"))

    while not stop.is_set():
        try:
            for changes in watch_files(
                preview.options.root,
                watch_filter=wanted,
                stop_event=stop,
                debounce=300,
                step=50,
                raise_interrupt=False,
                rust_timeout=500,
                yield_on_timeout=True,
            ):
                if changes or preview.stale():
                    on_build(preview.rebuild())
        except Exception as exc:
            on_build(preview.fail(f"cannot watch the base: {describe(exc)}"))
            stop.wait(1.0)
