"""``serve``: the brief in a browser, rebuilt and reloaded whenever a fact file changes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import click

from briefgen.commands.options import (
    Command,
    Settings,
    brief_text_options,
    lang_option,
    notes_option,
    pages_option,
    paper_option,
    pass_settings,
    selection_options,
    template_option,
)
from briefgen.errors import BriefgenError


@click.command(cls=Command)
@selection_options
@lang_option
@brief_text_options
@pages_option
@notes_option
@paper_option
@template_option
@click.option(
    "--bind",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDRESS",
    help="Address to listen on; anything but a loopback address shares the preview.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="0: any free port.",
)
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of the sources' local texts [default: the base's texts/ directory].",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@pass_settings
def serve(
    settings: Settings,
    lang: str,
    pages: int,
    paper: str,
    template_dir: Path | None,
    bind: str,
    port: int,
    texts_dir: Path | None,
    open_browser: bool,
    **kw: Any,
) -> None:
    """Preview the brief in a web browser while you edit the fact base.

    The brief (as 'briefgen brief -f html' makes it, with the same options) is
    rebuilt whenever a file of the base changes, and the page reloads itself;
    while the base has problems, the page lists them instead. /facts browses and
    filters the facts, each with links to its sources; /sources/ID shows a
    source's local text with its paragraphs numbered as locators count them.
    Read-only, on 127.0.0.1 by default; Ctrl-C stops it.

    \b
    Examples:
      briefgen serve                     http://127.0.0.1:8000/
      briefgen serve -t military --lang fr --port 8001 --open
    """
    import gc

    from briefgen.paths import display_path, package_data
    from briefgen.preview import Build, Preview, PreviewOptions, PreviewServer, watch
    from briefgen.request import BriefRequest
    from briefgen.store import default_facts_dir

    # main() turns the cyclic garbage collector off for a one-off command; a server
    # runs for hours, and every request would leave its cycles behind. Reading the
    # base still pauses it (store.load), where it costs time.
    gc.enable()
    # The brief that 'briefgen brief -f html' makes of the same values.
    values = {**kw, "lang": lang, "pages": pages, "paper": paper, "template_dir": template_dir}
    request = BriefRequest.from_values(values, "html")
    root = settings.facts_dir or default_facts_dir()
    if not root.is_dir():
        from briefgen.errors import UsageError

        raise UsageError(f"fact directory not found: {root}")
    if texts_dir is None:
        from briefgen.store import texts_directory

        texts_dir = texts_directory(root)  # a usage error if it links out of the base
    preview = Preview(
        PreviewOptions(
            root=root,
            request=request,
            texts_dir=texts_dir,
        )
    )
    script = (package_data("templates") / "preview" / "preview.js").read_bytes()
    try:
        server = PreviewServer((bind, port), preview, script)
    except OSError as exc:
        raise BriefgenError(f"cannot listen on {bind}:{port}: {exc.strerror or exc}") from None
    stop = threading.Event()

    shown = [preview.build.version]

    def rebuilt(build: Build) -> None:
        if build.version == shown[0]:
            return  # the same problems as before: said already
        shown[0] = build.version
        if build.problems:
            count = len(build.problems)
            settings.info(
                f"[{preview.when}] {count} problem{'s' if count != 1 else ''} in the base: "
                f"{build.problems[0]}"
            )
        else:
            settings.info(f"[{preview.when}] rebuilt")

    watcher = threading.Thread(
        target=watch, args=(preview, stop, rebuilt), name="briefgen-watch", daemon=True
    )
    watcher.start()
    state = "with problems" if preview.build.problems else "ready"
    settings.info(f"Serving {display_path(root)} on {server.url} ({state}; Ctrl-C to stop)")
    if not server.loopback:
        settings.info(f"warning: {bind} is not a loopback address: others can read the preview")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # A service manager's SIGTERM stops it as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, interrupt)
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=2)
    settings.info("Stopped.")
