"""The package's layering, read from its source: every import counts, those inside
functions and under ``TYPE_CHECKING`` too, for an import put off until a function
runs still ties the two modules together."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator
from itertools import pairwise
from pathlib import Path

import briefgen

PACKAGE = Path(briefgen.__file__).parent
# Escape codes: SGR styles and OSC 8 links.
ESCAPES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """``briefgen.renderers.pdf`` -> its file, for every module of the package at ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: Collection[str] = ()) -> Iterator[tuple[str, int]]:
    """Every module ``name`` (at ``path``) imports, with the line, wherever the import is.

    ``from briefgen import safe_yaml`` imports the module ``briefgen.safe_yaml`` (one
    of ``known``), not the package's ``__init__``, unless it also takes a name that
    is not a module.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            submodules = [f"{target}.{alias.name}" for alias in node.names]
            inside = [module for module in submodules if module in known]
            if len(inside) < len(submodules):
                yield target, node.lineno
            for module in inside:
                yield module, node.lineno


def import_graph(root: Path = PACKAGE) -> dict[str, dict[str, int]]:
    """Module -> the package's modules it imports (not itself), each with a line that does."""
    found = modules(root)
    graph: dict[str, dict[str, int]] = {}
    for name, path in found.items():
        edges = graph[name] = {}
        for target, line in imported(name, path, found):
            if target in found and target != name:
                edges.setdefault(target, line)
    return graph


def cycle(graph: dict[str, dict[str, int]]) -> list[str]:
    """One import cycle of ``graph`` (its first module repeated at the end), or []."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def walk(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = walk(target)
                if found:
                    return found
        state[name] = 2
        path.pop()
        return []

    for name in sorted(graph):
        if name not in state:
            found = walk(name)
            if found:
                return found
    return []


def test_no_module_of_the_package_imports_one_that_imports_it_back():
    graph = import_graph()
    loop = cycle(graph)
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in pairwise(loop)]
    assert not loop, "an import cycle: " + "; ".join(steps)


def test_the_cycle_finder_finds_a_cycle_through_an_import_inside_a_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from pkg.high import g\n    return g\n")
    (package / "high.py").write_text("from pkg import low\n\ng = low.f\n")
    assert cycle(import_graph(package)) == ["pkg.high", "pkg.low", "pkg.high"]


def test_nothing_outside_the_command_line_imports_click():
    cli = {"briefgen.cli"}
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for name, path in modules().items()
        if name not in cli and not name.startswith("briefgen.commands")
        for target, line in imported(name, path)
        if target == "click" or target.startswith("click.")
    ]
    assert offenders == []


def test_the_request_takes_every_option_of_brief_by_the_same_name_and_default():
    from briefgen.cli import cli
    from briefgen.commands.options import command_options
    from briefgen.request import BRIEF_KEYS

    options = command_options(cli.load_command("brief"))
    assert [key.name for key in BRIEF_KEYS] == list(options)
    for key in BRIEF_KEYS:
        option = options[key.name]
        assert (key.param, key.multiple) == (option.name, option.multiple), key.name
        default = option.to_info_dict()["default"]
        if key.multiple:  # click reports no default of a repeated option as None
            default = tuple(default or ())
        assert key.default == default, key.name


# What tells where a run is: read by briefgen.environment alone, once, at the top.
ENVIRONMENT_READS = ("COLUMNS", "NO_COLOR", "isatty", "get_terminal_size")


def test_the_terminal_environment_is_read_in_one_module():
    readers = set()
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func
                word = getattr(called, "attr", None) or getattr(called, "id", None)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                word = node.value
            else:
                continue
            if word in ENVIRONMENT_READS:
                readers.add(name)
    assert readers == {"briefgen.environment"}


def test_a_made_up_environment_shows_what_a_terminal_would_get(pact):
    from click.testing import CliRunner

    from briefgen.cli import cli
    from briefgen.environment import Environment

    args = ["--facts-dir", str(pact), "brief"]
    piped = CliRunner().invoke(cli, args)
    terminal = Environment(stdout_isatty=True, stdout_columns=72)
    shown = CliRunner().invoke(cli, args, obj=terminal)
    assert piped.stdout.startswith("# ")  # Markdown, when piped
    assert "\x1b[" in shown.stdout  # the terminal brief, in colour
    assert max(len(line) for line in ESCAPES.sub("", shown.stdout).splitlines()) <= 72
    plain = CliRunner().invoke(cli, args, obj=Environment(stdout_isatty=True, no_color=True))
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", plain.stdout)  # NO_COLOR: no colours


def test_no_function_takes_more_than_20_paths_by_radon_count():
    # radon counts `and`/`or` and the conditions of comprehensions, which ruff's
    # mccabe check (also at 20, in pyproject.toml) does not.
    from radon.complexity import cc_visit

    above = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            # a class's own figure is not a function's: its methods count one by one
            for function in getattr(block, "methods", None) or [block]:
                if function.complexity > 20:
                    where = f"{path.relative_to(PACKAGE.parent)}:{function.fullname}"
                    above.add(where)
    assert above == set()


def test_help_loads_no_heavy_library():
    # What keeps `briefgen --help` under 150 ms: the commands import the library
    # (the fact model, pydantic, rich, jinja2, WeasyPrint) only when they run.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pydantic', 'weasyprint', 'rich', 'jinja2', 'yaml', 'briefgen.model')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.stderr == "[]\n"


def test_a_brief_of_a_base_read_from_the_cache_loads_no_checker(pact, tmp_path):
    # pydantic checks a base's files; a base read back from the cache is made of records
    # (briefgen.model) that need none of it: a Markdown brief then imports no pydantic.
    # The same brief, with the cache off, checks the files and does.
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        f"args = ['--facts-dir', {str(pact)!r}, 'brief', '-f', 'md', '-o', {str(tmp_path / 'b.md')!r}]\n"
        "try:\n"
        "    cli.main(args)\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'briefgen.fact_format'))))\n"
    )

    def loaded(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **env},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "pydantic" in loaded()  # the first run checks the files, and fills the cache
    assert loaded() == "[]\n"
    assert "'briefgen.fact_format'" in loaded(BRIEFGEN_CACHE="0")
    assert (tmp_path / "b.md").read_text(encoding="utf-8").startswith("#")


def test_each_model_of_the_fact_format_makes_a_record_of_the_same_fields():
    # The checks (briefgen.fact_format) and the records (briefgen.model) declare the same
    # fields, in the same order, with the same defaults: a field added to one only is
    # caught here, not in a brief.
    from pydantic_core import PydanticUndefined

    from briefgen import fact_format, model

    checked = [
        cls
        for cls in vars(fact_format).values()
        if isinstance(cls, type)
        and issubclass(cls, fact_format.Checked)
        and cls is not fact_format.Checked
    ]
    assert len(checked) == 12
    for cls in checked:
        record = getattr(model, cls.__name__)
        assert record._fields == tuple(cls.model_fields), cls.__name__
        for name, info in cls.model_fields.items():
            if info.default is not PydanticUndefined:
                assert record._field_defaults.get(name) == info.default, (cls.__name__, name)
            elif info.default_factory is not None:
                made = info.default_factory().record()  # type: ignore[call-arg]
                assert record._field_defaults.get(name) == made, (cls.__name__, name)
