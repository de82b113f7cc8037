"""Many briefs in one run: the ``[[brief]]`` tables of ``briefgen.toml``.

A project's ``briefgen.toml`` declares the briefs it publishes, each a table
of ``briefgen brief``'s options with a ``name`` and an ``output`` pattern::

    marking = "OFFICIAL"              # settings above the tables hold for every brief

    [[brief]]
    name = "military-fr"
    theme = ["military"]
    lang = "fr"
    output = "out/{theme}-{lang}-{date}.pdf"

:func:`read_specs` reads and checks the tables; :func:`output_path` expands
a pattern and keeps it inside the project (:func:`confine`); :func:`make`
produces one brief, and a :class:`Batch` many, in processes of their own
when that pays. Writing the files, and saying what happened, is the
command's (:mod:`briefgen.commands.build`).

Every brief is the brief ``briefgen brief`` writes with the same options,
byte for byte: both go through :func:`briefgen.production.produce`. Making
them in one process saves what each ``briefgen brief`` pays again: starting
Python, loading the base, importing WeasyPrint and loading its fonts.
"""

from __future__ import annotations

import dataclasses
import os
import re
import string
import sys
import time
import traceback
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.config import LOCAL_NAME
from briefgen.errors import BriefgenError, ExitCode, UsageError
from briefgen.paths import display_path

if TYPE_CHECKING:
    from briefgen.brief import BriefRecipe
    from briefgen.config import ConfigFile, Setting
    from briefgen.digest import FactChanges
    from briefgen.model import FactBase
    from briefgen.production import Typesetters
    from briefgen.renderers.options import Terminal
    from briefgen.request import PreparedBrief

# What an output pattern may name: {name}, {theme}, ...
OUTPUT_FIELDS = ("name", "theme", "lang", "date", "format", "paper", "style")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Keys of a [[brief]] table besides the options of `briefgen brief`.
OWN_KEYS = ("name", "output")
# Set once, above the tables: one base, one verbosity for the whole run.
RUN_KEYS = ("facts-dir", "quiet", "profile")


# -- the tables ---------------------------------------------------------------


@dataclass(frozen=True)
class BriefSpec:
    """One ``[[brief]]`` table: its name, its options, where its file goes."""

    name: str
    values: dict[str, Any]  # by the long option name of `briefgen brief`, converted
    output: str  # the pattern, as written
    origin: str  # "briefgen.toml:12": where the table starts
    root: Path  # the directory of the file: relative outputs start there, and stay inside
    trusted: bool = False  # the user trusts that directory: outputs may go elsewhere


def read_specs(file: ConfigFile) -> list[BriefSpec]:
    """The ``[[brief]]`` tables of the configuration ``file``, checked: every
    problem is a :class:`UsageError` naming the file and line."""
    # The values are converted and checked by the configuration's own code, so
    # a key means in a [[brief]] table what it means at the top of the file,
    # and a file in an untrusted directory may set in a table no more than there.
    from briefgen.config import convert_setting, line_of

    path, text = file.path, file.text
    tables = file.data.get("brief", [])
    where = display_path(path)
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise UsageError(f"{where}:{_header_line(text, 0)}: brief: must be [[brief]] tables")
    specs: list[BriefSpec] = []
    for index, table in enumerate(tables):
        start = _header_line(text, index)
        # The table's own lines, the others blanked: a key is found on its line in this table.
        table_file = dataclasses.replace(file, text=_table_text(text, start))

        def problem(
            key: str | None, message: str, start: int = start, table_text: str = table_file.text
        ) -> UsageError:
            # The key's line in the table, else the table's first (line_of would say 1).
            line = max(start, line_of(table_text, key, None)) if key else start
            return UsageError(f"{where}:{line}: {key + ': ' if key else ''}{message}")

        name = table.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            key = "name" if "name" in table else None
            raise problem(key, "a [[brief]] needs a name of letters, digits, '.', '_' or '-'")
        if any(s.name == name for s in specs):
            raise problem("name", f"two briefs are named {name!r}")
        output = table.get("output")
        if not isinstance(output, str) or not output or output == "-":
            key = "output" if "output" in table else None
            raise problem(key, f"brief {name!r} needs an output file, e.g. 'out/{{name}}.pdf'")
        try:
            check_pattern(output)
        except ValueError as exc:
            raise problem("output", str(exc)) from None
        values: dict[str, Any] = {}
        for raw_key, value in table.items():
            key = "theme" if raw_key == "themes" else raw_key
            if key in OWN_KEYS:
                continue
            if key in RUN_KEYS:
                raise problem(raw_key, "is set for the whole run, above the [[brief]] tables")
            values[key] = convert_setting(table_file, raw_key, key, value, None)
        root = path.resolve().parent
        specs.append(BriefSpec(name, values, output, f"{where}:{start}", root, file.trusted))
    return specs


_HEADER = re.compile(r"^\s*\[\[\s*brief\s*\]\]")
_ANY_HEADER = re.compile(r"^\s*\[")


def _header_line(text: str, index: int) -> int:
    """The line of the ``index``-th ``[[brief]]`` header (1 if not found)."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if _HEADER.match(line)]
    return lines[index] if index < len(lines) else 1


def _table_text(text: str, start: int) -> str:
    """``text`` with every line outside the table that starts on line ``start`` blanked."""
    lines = text.splitlines()
    end = next(
        (n for n in range(start, len(lines)) if _ANY_HEADER.match(lines[n])),
        len(lines),
    )
    return "\n" * (start - 1) + "\n".join(lines[start - 1 : end])


# -- output paths ---------------------------------------------------------------


def check_pattern(pattern: str) -> None:
    """Raise ValueError unless ``pattern`` names only :data:`OUTPUT_FIELDS`, plainly."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValueError(f"{exc} (write a brace as {{{{ or }}}})") from None
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if field_name not in OUTPUT_FIELDS or spec or conversion:
            fields = ", ".join(f"{{{f}}}" for f in OUTPUT_FIELDS)
            raise ValueError(f"unknown placeholder {{{field_name}}}; use {fields}")


def expand(pattern: str, fields: dict[str, str]) -> str:
    """``pattern`` with its placeholders replaced (checked by :func:`check_pattern`)."""
    return pattern.format_map(fields)


def output_fields(name: str, recipe: BriefRecipe, fmt: str, paper: str) -> dict[str, str]:
    """What the placeholders of an output pattern stand for, for one brief."""
    from briefgen.clock import today

    options = recipe.options
    return {
        "name": name,
        "theme": "+".join(recipe.theme_ids) or "all",
        "lang": options.lang,
        "date": (options.date or today()).isoformat(),
        "format": fmt,
        "paper": paper,
        "style": options.style,
    }


def confine(path: Path, root: Path, trusted: bool = False) -> Path:
    """``path`` (relative to ``root``) as the file to write, if it lies inside ``root``.

    Its directory is resolved, links and ``..`` included, so that neither a
    ``../`` nor a link to elsewhere leads out. A link in the file's own place,
    or anything there but a regular file (a device, a named pipe), is refused:
    a path from a file is never written through a link. Outside ``root``, a
    :class:`UsageError`, unless the user ``trusted`` the directory (see
    :mod:`briefgen.config`).
    """
    target = root / path  # an absolute path stays absolute
    if target.name in ("", ".", ".."):
        raise UsageError(f"output {path} names a directory, not a file")
    directory = target.parent.resolve()
    base = root.resolve()
    if trusted or directory == base or directory.is_relative_to(base):
        final = directory / target.name
        _check_final(path, final)
        return final
    raise UsageError(
        f"output {path} lies outside {display_path(base) or '.'}, the directory of "
        f"{LOCAL_NAME}; write it inside, or trust that directory (see 'briefgen config --help')"
    )


def _check_final(path: Path, final: Path) -> None:
    import stat

    try:
        mode = final.lstat().st_mode
    except OSError:
        return  # a new file (or one that cannot be looked at: writing it will say why)
    if stat.S_ISLNK(mode):
        raise UsageError(
            f"output {path} is a symbolic link: briefgen writes through a link only when "
            "the link is yours and you name it on the command line (-o)"
        )
    if not stat.S_ISREG(mode):
        raise UsageError(f"output {path} is not a regular file")


# -- planning ------------------------------------------------------------------


def plan(
    spec: BriefSpec,
    base: FactBase,
    facts_dir: Path | None,
    configured: Mapping[str, Setting],
    changes: MutableMapping[tuple[Path | None, str], FactChanges],
    terminal: Terminal | None = None,
) -> tuple[Job, bool]:
    """The job of one table, and whether it has nothing to say: its values are the
    table's, then the ``configured`` ones above the tables (and the profile's), then
    the defaults. ``changes`` keeps what a ``changed-since`` found, for the next table."""
    from briefgen.clock import today
    from briefgen.request import BriefRequest

    try:
        values = request_values(configured, spec)
        fmt = _format(spec, values)
        request = BriefRequest.from_values(values, fmt, terminal)
        prepared = request.prepare(base, facts_dir, changes)
        # One date for the whole run, even one that passes midnight.
        recipe = prepared.recipe
        if recipe.options.date is None:
            recipe = dataclasses.replace(
                recipe, options=dataclasses.replace(recipe.options, date=today())
            )
        fields = output_fields(spec.name, recipe, fmt, prepared.options.paper)
        # "~" is the home directory, as everywhere in briefgen.toml.
        output = confine(Path(expand(spec.output, fields)).expanduser(), spec.root, spec.trusted)
    except BriefgenError as exc:
        if exc.exit_code == ExitCode.INVALID:
            raise
        raise UsageError(f"{spec.origin}: brief {spec.name!r}: {exc}") from None
    within = None if spec.trusted else spec.root
    job = Job(spec.name, dataclasses.replace(prepared, recipe=recipe), output, spec.origin, within)
    return job, prepared.empty and not prepared.allow_empty


def request_values(configured: Mapping[str, Setting], spec: BriefSpec) -> dict[str, Any]:
    """The values of one table's request by their Python names: the table's, then the
    ``configured`` ones, then the defaults. A brief is what its table and the files
    say, whatever the environment of the run (no ``BRIEFGEN_BRIEF_*`` variable)."""
    from briefgen.request import KEYS, defaults

    values = defaults()
    for key, setting in configured.items():
        if key in KEYS:
            values[KEYS[key].param] = setting.value
    for key, value in spec.values.items():
        values[KEYS[key].param] = value
    return values


def _format(spec: BriefSpec, values: Mapping[str, Any]) -> str:
    from briefgen.renderers import EXTENSIONS

    if "format" in spec.values:
        return str(spec.values["format"])
    suffix = Path(spec.output).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if values["fmt"]:
        return str(values["fmt"])
    raise UsageError(f"cannot tell the format of {spec.output!r}: set 'format' in the table")


# -- making briefs ----------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One brief to make: what ``briefgen brief`` would be asked for, and where it goes."""

    name: str
    request: PreparedBrief
    output: Path
    origin: str = ""
    within: Path | None = None  # the directory the output must stay in (None: trusted)


@dataclass(frozen=True)
class Made:
    """A brief made, or why not."""

    index: int  # of its job
    data: str | bytes | None = None
    pages: int | None = None
    facts: int = 0
    omitted: int = 0
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    error: str | None = None
    exit_code: int = ExitCode.OK
    traceback: str | None = None  # for --debug


def make(index: int, job: Job, typesetters: Typesetters | None = None) -> Made:
    """Produce ``job``'s brief; every failure is caught and told, never raised."""
    from briefgen.production import produce

    started = time.perf_counter()
    try:
        request = job.request
        product = produce(request.recipe, request.fmt, request.options, typesetters)
    except BriefgenError as exc:
        return Made(index, error=str(exc), exit_code=exc.exit_code, traceback=_trace())
    except Exception as exc:
        return Made(
            index,
            error=f"internal error: {type(exc).__name__}: {exc}",
            exit_code=ExitCode.ERROR,
            traceback=_trace(),
        )
    return Made(
        index,
        data=product.data,
        pages=product.pages,
        facts=len(product.brief.facts),
        omitted=len(product.omitted),
        warnings=product.warnings,
        seconds=time.perf_counter() - started,
    )


def _trace() -> str:
    return traceback.format_exc()


def default_jobs() -> int:
    """The processors this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether processes can start as copies of this one (Linux): they then need not
    import WeasyPrint or load the base again. Elsewhere, briefs are made one by one."""
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


# The jobs of a Batch, for the processes it forks: they inherit this list.
_JOBS: list[Job] = []
# A forked process's typesetters, kept from one PDF to the next.
_TYPESETTERS: Typesetters = {}


def _make_in_child(index: int) -> Made:
    return make(index, _JOBS[index], _TYPESETTERS)


def _ignore_interrupts() -> None:
    """Ctrl-C is for the process that forked: it stops the batch, and waits for these."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Batch:
    """Many jobs made, each yielded as it is done (in no set order)::

        with Batch(jobs, workers=2) as batch:
            for made in batch: ...

    With ``workers`` > 1 (and :func:`can_fork`), the briefs WeasyPrint lays
    out are made by that many processes, forked when the batch is entered,
    once WeasyPrint is imported, while this process makes the others; each
    forked process keeps its typesetters from one PDF to the next.
    Otherwise one typesetter per paper serves every PDF, here. Leaving the
    batch early cancels the briefs not yet begun.

    Enter it before starting any thread (a progress bar): a process forked
    while another thread holds a lock could wait for it forever.
    """

    def __init__(self, jobs: Sequence[Job], workers: int = 1) -> None:
        self.jobs = list(jobs)
        # What WeasyPrint lays out: the slow kind, worth a process of its own.
        heavy = [i for i, job in enumerate(self.jobs) if job.request.typesets]
        self.workers = min(workers, len(heavy)) if can_fork() else 1
        # The longest first, so that no process is left with one while the other idles.
        self.heavy = sorted(heavy, key=lambda i: -len(self.jobs[i].request.recipe.candidates()))
        self.executor: Any = None
        self.submitted: dict[Any, int] = {}

    def __enter__(self) -> Batch:
        if self.workers > 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            from briefgen.renderers.pdf import _import_weasyprint

            _import_weasyprint()  # once, here, rather than in each process
            _JOBS[:] = self.jobs
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=get_context("fork"), initializer=_ignore_interrupts
            )
            self.submitted = {self.executor.submit(_make_in_child, i): i for i in self.heavy}
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            _JOBS.clear()

    def __iter__(self) -> Iterator[Made]:
        typesetters: Typesetters = {}
        if self.executor is None:
            for index, job in enumerate(self.jobs):
                yield make(index, job, typesetters)
            return
        from concurrent.futures import FIRST_COMPLETED, wait

        for index, job in enumerate(self.jobs):
            if not job.request.typesets:
                yield make(index, job, typesetters)
        pending = set(self.submitted)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    yield future.result()
                except Exception as exc:  # the process died (out of memory, a crash)
                    error = f"internal error: {type(exc).__name__}: {exc}"
                    yield Made(self.submitted[future], error=error, exit_code=ExitCode.ERROR)


@dataclass
class Tally:
    """What a run did, brief by brief, and the exit code that sums it up."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # nothing to say
    failed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        """1 if any brief failed, else 4 if any had nothing to say, else 0."""
        if self.failed:
            return ExitCode.ERROR
        if self.skipped:
            return ExitCode.EMPTY
        return ExitCode.OK


def write_file(path: Path, data: str | bytes, within: Path | None = None) -> None:
    """Write one brief atomically, making its directory if need be; with ``within``, the
    directory the file must lie in (checked again once its directory is open)."""
    from briefgen.errors import OutputError
    from briefgen.output import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            parents = (p for p in path.parents if p.exists() and not p.is_dir())
            blocking = next(parents, path.parent)
            reason = f"{display_path(blocking)} is not a directory"
        raise OutputError(f"cannot write {display_path(path)}: {reason}") from None
    write_atomic(path, data, within=within)
