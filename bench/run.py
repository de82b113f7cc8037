"""Time briefgen as its users run it, and check the performance budgets.

Every measurement is a whole process, interpreter start-up included, run
several times after one warm-up run, in rounds that run every command once;
the table gives the fastest and the median run and the largest peak memory
(RSS). Runs on the shipped base, on synthetic bases of 1,000 to 100,000
facts (``bench/generate.py``), and against the pipeline a user would
otherwise build: the same brief in Markdown, made a PDF by pandoc and
WeasyPrint. ``briefgen build`` of a one-page PDF per theme and one of the
whole base is compared with one ``brief -f pdf`` of the same rounds.

Budgets (docs/benchmark.md) are judged on the fastest run: other processes
only ever add time to a run, so the fastest one is the best measure of what
briefgen itself costs; the median shows how much a busy machine adds.

Usage: ``python bench/run.py [--quick] [--runs N] [--sizes 1000,10000] [--check]``
"""

from __future__ import annotations

import argparse
import compileall
import functools
import hashlib
import importlib.util
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from generate import generate

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
MIB = 1024 * 1024
MEMORY_BUDGET = 1024 * MIB
LISTING_MEMORY_BUDGET = 500 * MIB  # `facts -f json` of 100,000 facts
# Marginal cost per fact may grow this much from the smaller to the larger
# bases and still count as linear (timings on a shared machine are noisy).
LINEAR_TOLERANCE = 1.5


@dataclass(frozen=True)
class Case:
    """One row of the table: a command, how to run it, and its budget."""

    label: str
    base: str
    command: tuple[str, ...]
    cache: str = ""  # "cold" (BRIEFGEN_CACHE=0), "warm" (primed cache) or "" (no base read)
    runs: int = 10
    budget: float | None = None  # seconds, judged on the median
    facts: int | None = None  # size of a generated base, for the scaling check
    output: str | None = None  # file the command writes, kept for the comparison
    cwd: Path | None = None  # where it runs (default: the benchmark's directory)


@dataclass
class Result:
    """The runs of one case, or why it could not be measured."""

    case: Case
    times: list[float] = field(default_factory=list)
    peak_rss: int = 0
    missing: str | None = None  # "not available: ..." or "failed: ..."
    pages: str = "?"  # of the PDF the command wrote

    @property
    def minimum(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


class Bench:
    """Runs commands in a clean environment: private cache and configuration, no BRIEFGEN_* variables."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.bin = Path(sys.executable).parent
        executable = self.bin / "briefgen"
        found = str(executable) if executable.exists() else shutil.which("briefgen")
        self.briefgen = (found,) if found else (sys.executable, "-m", "briefgen")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
        self.env.update(
            XDG_CACHE_HOME=str(workdir / "cache"),
            XDG_CONFIG_HOME=str(workdir / "config"),
            SOURCE_DATE_EPOCH="1764547200",
            NO_COLOR="1",
            COLUMNS="100",
            # pandoc finds the venv's weasyprint executable.
            PATH=f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
        )

    def run_once(
        self, command: tuple[str, ...], cache: str, cwd: Path | None = None
    ) -> tuple[float, int]:
        """Run ``command``; its wall time in seconds and its peak RSS in bytes."""
        env = dict(self.env, BRIEFGEN_CACHE="0") if cache == "cold" else self.env
        with open(os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=out, stderr=err, env=env, cwd=cwd or self.workdir
            )
            # wait4 gives this child's own resource usage (getrusage would sum all children).
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                err.seek(0)
                lines = err.read().decode(errors="replace").strip().splitlines()
                raise RuntimeError(f"exit {process.returncode}: {lines[-1] if lines else ''}")
        return elapsed, usage.ru_maxrss * 1024  # Linux reports kilobytes

    def measure(self, results: list[Result]) -> None:
        """Run each case its number of times, in rounds: every case once, then again.

        The first round warms up (and primes the cache) and is not counted.
        A shared machine is slower for minutes at a time; in rounds, a slow
        minute slows every case alike instead of the few that ran then, so the
        cases stay comparable with each other.
        """
        rounds = max((r.case.runs for r in results if not r.missing), default=0)
        for run in range(rounds + 1):
            print(f"round {run}/{rounds}" + (" (warm-up)" if not run else ""), file=sys.stderr)
            for result in results:
                if result.missing or run > result.case.runs:
                    continue
                try:
                    elapsed, rss = self.run_once(
                        result.case.command, result.case.cache, result.case.cwd
                    )
                except (RuntimeError, OSError) as exc:
                    result.missing = f"failed: {exc}"
                    continue
                if run:
                    result.times.append(elapsed)
                    result.peak_rss = max(result.peak_rss, rss)
        for result in results:
            result.pages = pdf_pages(result.case.output)


def precompile_briefgen() -> None:
    """Compile briefgen's modules, as installing a wheel does, so start-up is not spent compiling."""
    spec = importlib.util.find_spec("briefgen")
    if spec and spec.origin:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def generated_base(size: int, seed: int) -> Path:
    """The synthetic base of ``size`` facts, generated once per version of the generator."""
    version = hashlib.blake2b((HERE / "generate.py").read_bytes(), digest_size=4).hexdigest()
    path = OUT / f"facts-{size}-seed{seed}-{version}"
    if not (path / "themes.yaml").is_file():
        print(f"generating {size:,} facts in {path} ...", file=sys.stderr)
        generate(path, size, seed)
    return path


def brief_command(bench: Bench, facts_dir: Path | None) -> tuple[str, ...]:
    """``briefgen brief`` of the brief compared with its peers: the military brief of the
    shipped base, or the whole of another base."""
    base = ("--facts-dir", str(facts_dir)) if facts_dir else ("--theme", "military")
    return (*bench.briefgen, *base, "brief") if facts_dir else (*bench.briefgen, "brief", *base)


def shipped_cases(bench: Bench, facts_dir: Path | None, runs: int) -> list[Case]:
    name = str(facts_dir) if facts_dir else "shipped (military)"
    brief = brief_command(bench, facts_dir)
    pdf = str(bench.workdir / "brief.pdf")
    return [
        Case("--help", "", (*bench.briefgen, "--help"), runs=runs, budget=0.150),
        Case("brief -f md", name, (*brief, "-f", "md"), "cold", runs, budget=0.300),
        Case("brief -f md", name, (*brief, "-f", "md"), "warm", runs, budget=0.300),
        Case("brief -f term", name, (*brief, "-f", "term"), "warm", runs),
        Case("brief -f json", name, (*brief, "-f", "json"), "warm", runs),
        Case("brief -f pdf", name, (*brief, "-f", "pdf", "-o", pdf), "cold", runs, 1.5, output=pdf),
        Case("brief -f pdf", name, (*brief, "-f", "pdf", "-o", pdf), "warm", runs, 1.5, output=pdf),
    ]


# What `briefgen build` may take, against one `brief -f pdf` of the same rounds.
BUILD_RATIO_BUDGET = 1.5
# What briefgen may take against the tool a user would pick instead, in the same rounds.
PDF_RATIO_BUDGET = 0.7  # the one-page PDF, against pandoc + WeasyPrint on the same Markdown
MARKDOWN_RATIO_BUDGET = 3.0  # the Markdown brief, against pandoc turning it into HTML


def build_cases(bench: Bench, facts_dir: Path | None, runs: int) -> list[Case]:
    """``briefgen build`` of a one-page PDF per theme and one of the whole base: in as
    many processes as it likes, and in one."""
    from briefgen.store import load

    project = bench.workdir / "build"
    project.mkdir(exist_ok=True)
    themes = [theme.id for theme in load(facts_dir).themes]
    tables = [
        f'[[brief]]\nname = "{t}"\ntheme = ["{t}"]\noutput = "out/{{name}}.pdf"\n' for t in themes
    ]
    tables.append('[[brief]]\nname = "all"\noutput = "out/{name}.pdf"\n')
    (project / "briefgen.toml").write_text("\n".join(tables), encoding="utf-8")
    base = ("--facts-dir", str(facts_dir)) if facts_dir else ()
    name = str(facts_dir) if facts_dir else "shipped"
    label = f"build ({len(tables)} PDFs)"
    command = (*bench.briefgen, *base, "build")
    return [
        Case(label, name, command, "warm", runs, cwd=project),
        Case(
            f"build --jobs 1 ({len(tables)} PDFs)",
            name,
            (*command, "--jobs", "1"),
            "warm",
            runs,
            cwd=project,
        ),
    ]


def round_ratio(ours: Result, peer: Result) -> float:
    """The median over the rounds of ``ours`` / ``peer`` timed in the same round.

    Both ran within seconds of each other in every round, so a slow minute of a
    shared machine slows both alike; the ratio of two medians or of two fastest
    runs could pair runs taken minutes apart.
    """
    rounds = range(min(len(ours.times), len(peer.times)))
    return statistics.median(ours.times[i] / peer.times[i] for i in rounds)


def ratio_line(what: str, ours: Result, peer: Result, budget: float | None) -> tuple[str, bool]:
    """``- what: 612 ms against 880 ms: 0.70× (budget ≤ 0.7×) ✓``, and whether it is within."""
    for r in (ours, peer):
        if r.missing:
            return f"- {what}: `{r.case.label}` {r.missing}", True
    ratio = round_ratio(ours, peer)
    line = (
        f"- {what}: {ms(ours.median)} against {ms(peer.median)} (medians); "
        f"median of the rounds' ratios {ratio:.2f}×"
    )
    if budget is None:
        return line, True
    within = ratio <= budget
    return line + f" (budget ≤ {budget}×) {'✓' if within else '✗'}", within


def build_ratio(builds: list[Result], brief: Result) -> tuple[list[str], bool]:
    """How long each build takes against one brief of a PDF, in the same rounds."""
    if brief.missing:
        return [f"- build: no `brief -f pdf` to compare with ({brief.missing})"], True
    lines, ok = [], True
    for r in builds:
        # The budget is the default run's; the one-process run is shown for comparison.
        budget = None if "--jobs" in r.case.command else BUILD_RATIO_BUDGET
        line, within = ratio_line(f"`{r.case.label}` against `brief -f pdf`", r, brief, budget)
        ok &= within
        lines.append(line)
    return lines, ok


def json_budget(size: int, cache: str) -> float | None:
    """``facts -f json``: 2 s at 10,000 facts, and 1 s at 100,000 once the base is cached."""
    if size == 10_000:
        return 2.0
    if size == 100_000 and cache == "warm":
        return 1.0
    return None


def generated_cases(bench: Bench, sizes: tuple[int, ...], seed: int, runs: int) -> list[Case]:
    cases = []
    for size in sizes:
        path = generated_base(size, seed)
        base = (*bench.briefgen, "--facts-dir", str(path))
        name = f"{size:,} facts"
        n = runs if size <= 1_000 else max(3, runs // 2) if size <= 10_000 else max(3, runs // 5)
        for cache in ("cold", "warm"):
            command = (*base, "facts", "--format", "json")
            budget = json_budget(size, cache)
            cases.append(Case("facts -f json", name, command, cache, n, budget, size))
        for cache in ("cold", "warm"):
            command = (*base, "brief", "-f", "md")
            cases.append(Case("brief -f md (1 page)", name, command, cache, n, facts=size))
        command = (*base, "brief", "-f", "md", "--pages", "0")
        cases.append(Case("brief -f md --pages 0 (all)", name, command, "warm", n, facts=size))
    return cases


def pdf_renderer_missing() -> str | None:
    if importlib.util.find_spec("briefgen.renderers.pdf") is None:
        return "not available: this version of briefgen has no PDF renderer"
    return None


@functools.cache  # asked by the choice of pandoc, its cases and the report
def pandoc_version(pandoc: str | None) -> tuple[int, ...] | None:
    """The version of the ``pandoc`` executable, ``(2, 17, 1, 1)``; None when there is none."""
    if pandoc is None or shutil.which(pandoc) is None:
        return None
    first = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
    words = first.split("\n", 1)[0].split()
    try:
        return tuple(int(part) for part in words[-1].split("."))
    except (IndexError, ValueError):
        return (0,)


def bundled_pandoc() -> str | None:
    """The pandoc executable of the pypandoc-binary package (``pip install -e '.[bench]'``),
    found without importing it."""
    spec = importlib.util.find_spec("pypandoc")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "files" / "pandoc"
    return str(path) if path.is_file() else None


def find_pandoc() -> str | None:
    """The pandoc the peers run: the newer of the one on PATH and the bundled one, so that
    the Typst writer (pandoc 3) is there when either has it."""
    found = [p for p in (shutil.which("pandoc"), bundled_pandoc()) if p is not None]
    return max(found, key=lambda p: pandoc_version(p) or (0,), default=None)


# Typst compiled by the `typst` Python package (not a dependency of briefgen).
TYPST_COMPILE = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])"


def pandoc_cases(
    bench: Bench, facts_dir: Path | None, runs: int, pandoc: str | None
) -> list[tuple[Case, str | None]]:
    """The peers, each given the Markdown of the brief the PDF and Markdown rows make:
    ``pandoc`` to a PDF by WeasyPrint, to HTML, and (pandoc 3) to Typst compiled by typst."""
    command = pandoc or "pandoc"
    markdown = bench.workdir / "brief.md"
    pdf, html = bench.workdir / "pandoc.pdf", bench.workdir / "pandoc.html"
    typ, typst_pdf = bench.workdir / "pandoc.typ", bench.workdir / "typst.pdf"
    weasyprint = (command, str(markdown), "-o", str(pdf), "--pdf-engine=weasyprint")
    to_html = (command, str(markdown), "-o", str(html))
    to_typst = (
        f"{shlex.quote(command)} {shlex.quote(str(markdown))} -t typst -o {shlex.quote(str(typ))} && "
        f"{shlex.quote(sys.executable)} -c {shlex.quote(TYPST_COMPILE)} "
        f"{shlex.quote(str(typ))} {shlex.quote(str(typst_pdf))}"
    )
    cases = [
        Case("pandoc brief.md -o brief.pdf", "", weasyprint, runs=runs, output=str(pdf)),
        Case("pandoc brief.md -o brief.html", "", to_html, runs=runs),
        Case(
            "pandoc -t typst, typst.compile",
            "",
            ("sh", "-c", to_typst),
            runs=runs,
            output=str(typst_pdf),
        ),
    ]
    version = pandoc_version(pandoc)
    if version is None:
        return [(case, "not available: pandoc is not installed") for case in cases]
    missing: list[str | None] = [None, None, None]
    if shutil.which("weasyprint", path=bench.env["PATH"]) is None:
        missing[0] = "not available: the weasyprint command is not installed"
    if version < (3,):
        missing[2] = (
            f"not available: pandoc {'.'.join(map(str, version))} has no Typst writer (3 has;"
            " pip install -e '.[bench]')"
        )
    elif importlib.util.find_spec("typst") is None:
        missing[2] = "not available: the typst Python package is not installed (.[bench])"
    try:
        bench.run_once((*brief_command(bench, facts_dir), "-f", "md", "-o", str(markdown)), "warm")
    except RuntimeError as exc:
        return [(case, f"failed: {exc}") for case in cases]
    return list(zip(cases, missing, strict=True))


def pdf_pages(path: str | None) -> str:
    if not path or not Path(path).is_file() or shutil.which("pdfinfo") is None:
        return "?"
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


# -- report ------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def verdict(result: Result) -> str:
    """``< 300 ms ✓``: the budget, judged on the fastest run (see the module docstring)."""
    budget = result.case.budget
    if budget is None or result.missing:
        return ""
    if result.minimum >= budget:
        return f"< {ms(budget)} ✗"
    return f"< {ms(budget)} ✓" + ("" if result.median < budget else " (median above)")


def table(results: list[Result]) -> list[str]:
    lines = [
        "| command | base | cache | runs | min | median | peak RSS | budget |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        c = r.case
        if r.missing:
            lines.append(f"| `{c.label}` | {c.base} | {c.cache} | | {r.missing} | | | |")
            continue
        rss = f"{r.peak_rss / MIB:,.0f} MiB"
        lines.append(
            f"| `{c.label}` | {c.base} | {c.cache} | {len(r.times)} | {ms(r.minimum)} "
            f"| {ms(r.median)} | {rss} | {verdict(r)} |"
        )
    return lines


def scaling(results: list[Result]) -> tuple[list[str], bool]:
    """Whether the cost per fact stays the same from the smaller to the larger bases.

    The cost per fact is the difference between two sizes' times in the same
    round (see :meth:`Bench.measure`), divided by the difference in facts; the
    median over the rounds is compared. A difference of two fastest runs taken
    minutes apart would compare the machine's moods rather than briefgen.
    """
    lines, ok = [], True
    series: dict[tuple[str, str], list[tuple[int, list[float]]]] = {}
    for r in results:
        if r.case.facts and not r.missing:
            series.setdefault((r.case.label, r.case.cache), []).append((r.case.facts, r.times))
    for (label, cache), points in series.items():
        points.sort()
        if len(points) < 3:
            continue
        (n0, t0), (n1, t1), (n2, t2) = points[-3:]
        rounds = range(min(len(t0), len(t1), len(t2)))
        small = statistics.median((t1[i] - t0[i]) / (n1 - n0) for i in rounds) * 1000
        large = statistics.median((t2[i] - t1[i]) / (n2 - n1) for i in rounds) * 1000
        linear = large <= small * LINEAR_TOLERANCE
        ok &= linear
        lines.append(
            f"- `{label}` ({cache}): {small * 1000:.0f} ms per 1,000 facts from {n0:,} to {n1:,}, "
            f"{large * 1000:.0f} ms from {n1:,} to {n2:,}: {'linear ✓' if linear else 'grows faster ✗'}"
        )
    return lines, ok


def memory(results: list[Result]) -> tuple[list[str], bool]:
    """Peak memory at 100,000 facts: under 500 MiB for the listing, 1 GiB for any command."""
    biggest = max((r.case.facts or 0 for r in results if not r.missing), default=0)
    rows = [r for r in results if r.case.facts == biggest and not r.missing]
    if biggest < 100_000 or not rows:
        return [], True
    lines, ok = [], True
    listing = [r.peak_rss for r in rows if r.case.label == "facts -f json"]
    for what, peaks, budget, name in (
        ("`facts -f json`", listing, LISTING_MEMORY_BUDGET, "500 MiB"),
        ("any command", [r.peak_rss for r in rows], MEMORY_BUDGET, "1 GiB"),
    ):
        if not peaks:
            continue
        within = max(peaks) < budget
        ok &= within
        lines.append(
            f"- peak RSS at {biggest:,} facts, {what}: {max(peaks) / MIB:,.0f} MiB "
            f"(budget {name}) {'✓' if within else '✗'}"
        )
    return lines, ok


def comparison(pdf: Result, markdown: Result, peers: list[Result]) -> tuple[list[str], bool]:
    """briefgen against the peers of the same rounds, with the ratios and their budgets."""
    weasyprint, html, typst = peers
    lines, ok = [], True
    for what, ours, peer, budget in (
        (
            "one-page PDF, `brief -f pdf` against pandoc → WeasyPrint",
            pdf,
            weasyprint,
            PDF_RATIO_BUDGET,
        ),
        ("Markdown, `brief -f md` against pandoc md → html", markdown, html, MARKDOWN_RATIO_BUDGET),
        ("one-page PDF, `brief -f pdf` against pandoc → Typst", pdf, typst, None),
    ):
        line, within = ratio_line(what, ours, peer, budget)
        ok &= within
        lines.append(line)
    for r in (weasyprint, typst):
        if not r.missing:
            lines.append(f"- `{r.case.label}` made {r.pages} page(s); `brief -f pdf` {pdf.pages}")
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, no 100,000-fact base (CI)")
    parser.add_argument("--runs", type=int, help="runs per command (default 10; 3 with --quick)")
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        help="sizes of the generated bases (default 1000,10000,100000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated bases")
    parser.add_argument(
        "--facts-dir", type=Path, help="measure this base instead of the shipped one"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget is missed")
    parser.add_argument(
        "--pandoc",
        help="the pandoc the peers run (default: the newer of PATH's and pypandoc-binary's)",
    )
    args = parser.parse_args()
    pandoc = args.pandoc or find_pandoc()
    if args.facts_dir is not None:
        args.facts_dir = args.facts_dir.resolve()  # the commands run in a directory of their own
    runs = args.runs or (3 if args.quick else 10)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)

    precompile_briefgen()
    started = time.perf_counter()
    no_pdf = pdf_renderer_missing()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        bench = Bench(Path(tmp))

        shipped = [
            Result(case, missing=no_pdf if case.output else None)
            for case in shipped_cases(bench, args.facts_dir, runs)
        ]
        peers = [
            Result(case, missing=missing)
            for case, missing in pandoc_cases(bench, args.facts_dir, runs, pandoc)
        ]
        builds = [Result(case, missing=no_pdf) for case in build_cases(bench, args.facts_dir, runs)]
        generated = [Result(case) for case in generated_cases(bench, sizes, args.seed, runs)]
        bench.measure([*shipped, *builds, *peers, *generated])
    results = [*shipped, *builds, *peers, *generated]

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    print(
        f"briefgen benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load:.2f}, {time.perf_counter() - started:.0f} s\n"
    )
    print("\n".join(table(results)))
    warm_pdf = next(r for r in shipped if r.case.output and r.case.cache == "warm")
    markdown = next(r for r in shipped if r.case.label == "brief -f md" and r.case.cache == "warm")
    version = pandoc_version(pandoc)
    named = ".".join(map(str, version)) if version else "none"
    print(f"\nAgainst pandoc ({named}, {pandoc}):\n")
    peer_lines, peers_ok = comparison(warm_pdf, markdown, peers)
    print("\n".join(peer_lines))
    ratio_lines, build_ok = build_ratio(builds, warm_pdf)
    print("\nbuild against brief:\n")
    print("\n".join(ratio_lines))
    scale_lines, linear = scaling(generated)
    memory_lines, small = memory(generated)
    if scale_lines or memory_lines:
        print("\nScaling:\n")
        print("\n".join(scale_lines + memory_lines))
    failed = any(r.missing and r.missing.startswith("failed") for r in results)
    missed = not (linear and small and build_ok and peers_ok) or any(
        "✗" in verdict(r) for r in results
    )
    return 1 if failed or (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
