"""``build``: every brief the project's ``briefgen.toml`` declares, in one run."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import Command, Settings, pass_settings
from briefgen.errors import BriefgenError, ExitCode, UsageError

if TYPE_CHECKING:
    from briefgen.build import BriefSpec, Job, Made, Tally
    from briefgen.digest import FactChanges


def _complete_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Complete the names of the briefs ./briefgen.toml declares."""
    from click.shell_completion import CompletionItem

    from briefgen.config import LOCAL_NAME, _read

    try:
        _, data = _read(Path(LOCAL_NAME))
    except BriefgenError:  # no file, or a broken one: nothing to complete
        return []
    tables = data.get("brief", [])
    names = (
        [t.get("name") for t in tables if isinstance(t, dict)] if isinstance(tables, list) else []
    )
    return [CompletionItem(n) for n in names if isinstance(n, str) and n.startswith(incomplete)]


@click.command(cls=Command)
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=_complete_names)
@click.option("--dry-run", is_flag=True, help="List the files that would be written; write none.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first brief that fails.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="PDFs typeset at once, each in a process of its own (0: one per processor).",
)
@pass_settings
@click.pass_context
def build(
    ctx: click.Context,
    settings: Settings,
    names: tuple[str, ...],
    dry_run: bool,
    fail_fast: bool,
    jobs: int,
) -> None:
    """Write every brief declared in ./briefgen.toml, or the NAMEd ones, in one run.

    Each [[brief]] table holds a name, an output pattern and any option of
    'briefgen brief' (settings above the tables hold for every brief). The
    pattern may use {name}, {theme} (ids joined by '+', or 'all'), {lang},
    {date}, {format}, {paper} and {style}; the format comes from 'format'
    or the extension. Outputs are written atomically, inside the directory of
    briefgen.toml unless that directory is trusted (see 'briefgen config --help').

    \b
        [[brief]]
        name = "military-fr"
        theme = ["military"]
        lang = "fr"
        output = "out/{theme}-{lang}-{date}.pdf"

    \b
    Exit codes:
      0  every brief written
      1  a brief failed (the others are written, unless --fail-fast)
      2  briefgen.toml is wrong (nothing written)
      3  the fact base is invalid (nothing written)
      4  a brief had nothing to say and was skipped (the others are written;
         'allow-empty = true' writes it instead)
    """
    from briefgen.build import plan, read_specs
    from briefgen.config import LOCAL_NAME

    local = settings.local_config
    if local is None:
        raise UsageError(f"no {LOCAL_NAME} here: 'briefgen build' writes its [[brief]] tables")
    specs = _chosen(read_specs(local), names, local.path)
    base = settings.load()
    # A base --changed-since names is read once for the run, not once per brief.
    changes: dict[tuple[Path | None, str], FactChanges] = {}
    terminal = settings.env.terminal(False)
    planned = [
        plan(spec, base, settings.facts_dir, settings.configured, changes, terminal)
        for spec in specs
    ]
    _check_outputs([job for job, _ in planned])
    if dry_run:
        _list(planned)
        ctx.exit(ExitCode.EMPTY if any(empty for _, empty in planned) else ExitCode.OK)
    tally, results = _run(settings, planned, jobs, fail_fast)
    if not settings.quiet:
        _summary(settings, planned, results)
    ctx.exit(tally.exit_code)


def _chosen(specs: list[BriefSpec], names: tuple[str, ...], path: Path) -> list[BriefSpec]:
    if not specs:
        raise UsageError(f"{path}: no [[brief]] tables; see 'briefgen build --help'")
    known = {spec.name: spec for spec in specs}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(f"unknown brief {unknown[0]!r}; {path} declares: {', '.join(known)}")
    return [known[name] for name in dict.fromkeys(names)] if names else specs


def _check_outputs(jobs: list[Job]) -> None:
    from briefgen.paths import display_path

    seen: dict[Path, Job] = {}
    for job in jobs:
        other = seen.setdefault(job.output, job)
        if other is not job:
            where = display_path(job.output)
            raise UsageError(
                f"{job.origin}: briefs {other.name!r} and {job.name!r} both write {where}"
            )


def _list(planned: list[tuple[Job, bool]]) -> None:
    from briefgen.commands.options import echo
    from briefgen.paths import display_path

    width = max(len(job.name) for job, _ in planned)
    lines = []
    for job, empty in planned:
        note = "  (nothing to say: skipped)" if empty else ""
        lines.append(f"{job.name:<{width}}  {job.request.fmt:<4}  {display_path(job.output)}{note}")
    echo("\n".join(lines) + "\n")


def _run(
    settings: Settings, planned: list[tuple[Job, bool]], jobs: int, fail_fast: bool
) -> tuple[Tally, dict[str, Made]]:
    """Make and write every job that has something to say; report each failure as it comes."""
    from briefgen.build import Batch, Tally, default_jobs
    from briefgen.output import temporary_directory

    tally = Tally()
    results: dict[str, Made] = {}
    todo = []
    for job, empty in planned:
        if empty:
            tally.skipped.append(job.name)
            settings.info(f"{job.name}: nothing to say; skipped (allow-empty = true writes it)")
        else:
            todo.append(job)
    progress = _Progress(
        len(todo), not settings.quiet and settings.env.stderr_isatty and bool(todo), settings
    )
    # WeasyPrint's temporary fonts go in a directory removed however the run ends. The
    # batch forks its processes before the progress bar starts its thread.
    with temporary_directory(), Batch(todo, jobs or default_jobs()) as batch, progress:
        for result in batch:
            job = todo[result.index]
            result = _write(job, result)
            results[job.name] = result
            if result.error is None:
                tally.written.append(job.name)
                for line in result.warnings:
                    # What fitting left out is in the summary; other warnings are told.
                    if line.startswith("warning:") and not settings.quiet:
                        progress.say(f"{job.name}: {line}")
            else:
                tally.failed.append(job.name)
                if settings.debug and result.traceback:
                    progress.say(result.traceback.rstrip("\n"))
                progress.say(f"briefgen: error: {job.name}: {result.error}")
                if fail_fast:
                    break
            progress.advance(job.name)
    return tally, results


def _write(job: Job, result: Made) -> Made:
    """``result`` written to its file; or, if it cannot be, a failure saying why."""
    from briefgen.build import write_file

    if result.error is not None:
        return result
    assert result.data is not None
    try:
        write_file(job.output, result.data, job.within)
    except BriefgenError as exc:
        return dataclasses.replace(result, error=str(exc), exit_code=exc.exit_code)
    return dataclasses.replace(result, data=None)  # written: no need to keep it


class _Progress:
    """A progress bar on stderr while briefs are made, if stderr is a terminal."""

    def __init__(self, total: int, shown: bool, settings: Settings) -> None:
        self.bar: Any = None
        if shown:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=settings.stderr_console(),
                transient=True,
            )
            self.task = self.bar.add_task("Making briefs", total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def say(self, line: str) -> None:
        """A line on stderr, above the bar while it is shown, never wrapped."""
        if self.bar is None:
            click.echo(line, err=True)
        else:
            self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def advance(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=f"Made {name}")


def _summary(settings: Settings, planned: list[tuple[Job, bool]], results: dict[str, Made]) -> None:
    """What was written, brief by brief, on stderr."""
    from rich.table import Table

    from briefgen.paths import display_path

    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    for header in ("Brief", "File", "Pages", "Facts", "Omitted", "Time"):
        table.add_column(header, justify="left" if header in ("Brief", "File") else "right")
    for job, empty in planned:
        result = results.get(job.name)
        if empty:
            table.add_row(job.name, "skipped: nothing to say", "", "", "", "")
        elif result is None:
            table.add_row(job.name, "not made (--fail-fast)", "", "", "", "")
        elif result.error is not None:
            table.add_row(job.name, "failed", "", "", "", "")
        else:
            table.add_row(
                job.name,
                display_path(job.output),
                str(result.pages) if result.pages is not None else "–",
                str(result.facts),
                str(result.omitted),
                f"{result.seconds:.2f} s",
            )
    settings.stderr_console(highlight=False, soft_wrap=True).print(table)
