"""Load and validate a fact directory: the only code that reads fact files.

A fact directory holds ``themes.yaml``, ``sources.yaml``, ``items/*.yaml``
and optionally ``base.yaml`` and ``measures.yaml``. Every problem is
collected and reported at once as ``file:line: id: message``.

YAML is read by :mod:`briefgen.safe_yaml` (PyYAML's C parser, no anchors,
no unusual tags, no bidirectional or control characters). Line numbers are
only worked out when there is a problem to report, so a valid base loads at
full speed.
"""

from __future__ import annotations

import gc
import io
import os
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from briefgen import safe_yaml
from briefgen.errors import InvalidFactBase, Problem, UsageError, excerpt
from briefgen.model import BaseInfo, Fact, FactBase, Measure, Source, Theme
from briefgen.paths import display_path, package_data

if TYPE_CHECKING:
    import yaml

ENV_FACTS_DIR = "BRIEFGEN_FACTS_DIR"
Model = TypeVar("Model", bound=BaseModel)
# Beyond this many unknown ids, no "did you mean" is offered: each suggestion
# compares the name with every known id, so a base with thousands of broken
# references would otherwise take quadratic time to report them.
MAX_SUGGESTIONS = 200


def default_facts_dir() -> Path:
    """``$BRIEFGEN_FACTS_DIR``, else ``./facts`` if it is a fact base, else the shipped base."""
    env = os.environ.get(ENV_FACTS_DIR)
    if env:
        return Path(env)
    local = Path("facts")
    if (local / "themes.yaml").is_file():
        return local
    return package_data("facts")


def load(path: str | os.PathLike[str] | None = None, *, cache: bool = True) -> FactBase:
    """Load and validate the fact base in ``path`` (default: :func:`default_facts_dir`).

    A valid base is kept in a cache (see :mod:`briefgen.cache`) keyed on the
    content of its files, so the next load of the same files skips parsing.
    Raises :class:`~briefgen.errors.InvalidFactBase` listing every problem.
    """
    root = Path(path) if path is not None else default_facts_dir()
    if not root.is_dir():
        raise UsageError(f"fact directory not found: {root}")
    with _collector_paused():
        if not cache:
            return _Loading(root).run()
        from briefgen import cache as base_cache

        key = base_cache.key(root, fact_files(root))
        base = base_cache.get(key)
        if base is None or base.path != display_path(root):
            base = _Loading(root).run()
            base_cache.put(key, base)
        return base


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a base is read.

    Reading creates a great many objects that all stay alive, and the
    collector would walk all of them again and again: at 10,000 facts it
    took a third of the time. The objects hold no reference cycles, so
    nothing is lost by collecting later.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_revision(root: str | os.PathLike[str] | None, ref: str) -> FactBase:
    """The fact base as it was: another directory, or a git revision of ``root``.

    The revision is read with ``git archive`` into a temporary directory; the
    repository and its working tree are not touched.
    """
    import shutil
    import subprocess
    import tarfile
    import tempfile

    if Path(ref).is_dir():
        with _collector_paused():
            return _Loading(Path(ref), grades=False).run()
    here = Path(root) if root is not None else default_facts_dir()

    def git(where: Path | str, *args: str) -> bytes:
        return subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, check=True, timeout=60
        ).stdout

    try:
        top = git(here, "rev-parse", "--show-toplevel").decode().strip()
        prefix = git(here, "rev-parse", "--show-prefix").decode().strip().rstrip("/")
        git(here, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        # "REF:dir" archives that directory with paths relative to it.
        archive = git(top, "archive", "--format=tar", f"{ref}:{prefix}" if prefix else ref)
    except subprocess.CalledProcessError as exc:
        if b"not a valid object name" in exc.stderr or b"not a tree object" in exc.stderr:
            raise UsageError(
                f"--changed-since {ref!r}: {here} did not exist at that revision"
            ) from None
        raise UsageError(
            f"--changed-since {ref!r}: neither a directory nor a git revision of {here}"
        ) from None
    except (OSError, subprocess.SubprocessError):
        raise UsageError(
            f"--changed-since {ref!r}: neither a directory nor a git revision of {here}"
        ) from None
    workdir = Path(tempfile.mkdtemp(prefix="briefgen-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # The "data" filter refuses links and paths leaving workdir (Python >= 3.10.12).
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(workdir, **safe)  # type: ignore[arg-type]
        with _collector_paused():
            return _Loading(workdir, grades=False).run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def fact_files(root: Path) -> list[Path]:
    """Every file a fact base is read from, in a stable order."""
    names = ["base.yaml", "themes.yaml", "sources.yaml", "measures.yaml"]
    files = [root / name for name in names if (root / name).is_file()]
    items = root / "items"
    if items.is_dir():
        # Links are listed even when broken, so that reading them reports why.
        found = [
            p
            for p in items.rglob("*")
            if p.suffix in (".yaml", ".yml") and (p.is_file() or p.is_symlink())
        ]
        files += sorted(found, key=lambda p: p.relative_to(items).as_posix())
    return files


@dataclass
class _File:
    """One YAML file: its parsed data, and its node tree on demand (for line numbers).

    The file's bytes are kept rather than its text, which can take twice or four
    times the memory, and are only decoded again if a problem needs a line number.
    """

    path: Path
    display: str
    raw: bytes
    data: Any
    _root: yaml.Node | None = field(default=None, repr=False)

    item_lines: list[int] = field(default_factory=list, repr=False)

    def line(self, loc: Sequence[object] = ()) -> int | None:
        """The line of the node at ``loc`` (list indexes and mapping keys), or its closest parent."""
        if len(loc) == 1 and isinstance(loc[0], int) and loc[0] < len(self.item_lines):
            return self.item_lines[loc[0]]
        yaml, loader = safe_yaml.yaml_module()
        if self._root is None:
            self._root = yaml.compose(self.raw.decode("utf-8-sig"), Loader=loader)
        node = self._root
        if node is None:
            return 1
        for step in loc:
            if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                node = node.value[step]
            elif isinstance(node, yaml.MappingNode):
                pair = next((kv for kv in node.value if kv[0].value == step), None)
                if pair is None:
                    break
                key, value = pair
                if step == loc[-1]:
                    return int(key.start_mark.line) + 1
                node = value
            else:
                break
        return int(node.start_mark.line) + 1

    def item_at(self, line: int) -> str | None:
        """The id of the top-level item that ``line`` belongs to, if it has one."""
        index = bisect_right(self.item_lines, line) - 1
        if index < 0 or not isinstance(self.data, list):
            return None
        item = self.data[index]
        item_id = item.get("id") if isinstance(item, dict) else None
        return item_id if isinstance(item_id, str) else None


class _Loading:
    """The state of one load: the files read and the problems found so far.

    ``grades=False`` skips the grading rules (:mod:`briefgen.grading`): a past
    revision read for comparison is not judged by rules it may predate.
    """

    def __init__(self, root: Path, *, grades: bool = True) -> None:
        self.root = root
        self.grades = grades
        self.real_root = root.resolve()
        self.problems: list[Problem] = []
        # Ids of items that failed validation: not reported again as unknown elsewhere.
        self.invalid_ids: set[str] = set()
        self.suggest = _Suggestions()

    # -- reading ---------------------------------------------------------

    def problem(
        self, file: _File | str, loc: Sequence[object], item_id: str | None, msg: str
    ) -> None:
        if isinstance(file, str):
            self.problems.append(Problem(file, None, item_id, msg))
        else:
            self.problems.append(Problem(file.display, file.line(loc), item_id, msg))

    def read(self, path: Path) -> _File | None:
        display = display_path(path)
        try:
            inside = path.resolve().is_relative_to(self.real_root)
        except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
            self.problems.append(
                Problem(display, None, None, "cannot read: too many levels of symbolic links")
            )
            return None
        if not inside:
            self.problems.append(Problem(display, None, None, "links outside the fact directory"))
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problems.append(Problem(display, None, None, f"cannot read: {exc.strerror}"))
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start].decode("utf-8-sig", errors="replace")
            bad_line = safe_yaml.line_of(before, len(before))
            self.problems.append(Problem(display, bad_line, None, "not valid UTF-8 text"))
            return None
        yaml, _ = safe_yaml.yaml_module()
        try:
            document = safe_yaml.parse(text)
        except safe_yaml.YAMLProblem as exc:
            self.problems.append(Problem(display, exc.line, None, exc.message))
            return None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line: int | None = mark.line + 1 if mark else None
            what = exc.problem or exc.context or "invalid YAML"
            self.problems.append(Problem(display, line, None, f"invalid YAML: {what}"))
            return None
        except yaml.YAMLError as exc:
            self.problems.append(Problem(display, None, None, f"invalid YAML: {exc}"))
            return None
        file = _File(path, display, raw, document.data, item_lines=document.item_lines)
        for line, char in document.forbidden:
            self.problems.append(Problem(display, line, file.item_at(line), _forbidden(char)))
        return file

    def read_list(self, name: str, *, required: bool) -> tuple[_File | None, list[Any]]:
        path = self.root / name
        if not path.exists() and not path.is_symlink():
            if required:
                self.problems.append(Problem(display_path(path), None, None, "file is missing"))
            return None, []
        file = self.read(path)
        if file is None:
            return None, []
        if file.data is None:
            return file, []
        if not isinstance(file.data, list):
            self.problem(file, (), None, f"expected a YAML list, found {_kind(file.data)}")
            return file, []
        return file, file.data

    # -- validating ------------------------------------------------------

    def validate(
        self, file: _File, items: list[Any], model: type[Model]
    ) -> list[tuple[int, Model]]:
        """Validate every item of ``file``: the good ones with their index; the others reported."""
        adapter = _adapter(model)
        try:
            return list(enumerate(adapter.validate_python(items)))
        except ValidationError as exc:
            bad: set[int] = set()
            for error in _first_causes(exc.errors()):
                index, *loc = error["loc"]
                assert isinstance(index, int)
                bad.add(index)
                item = items[index]
                item_id = item.get("id") if isinstance(item, dict) else None
                if isinstance(item_id, str):
                    self.invalid_ids.add(item_id)
                message = _message(error, loc, model)
                self.problem(file, [index, *loc], str(item_id) if item_id else None, message)
            good = [i for i in range(len(items)) if i not in bad]
            return list(zip(good, adapter.validate_python([items[i] for i in good]), strict=True))

    def run(self) -> FactBase:
        info = self.load_info()
        themes = self.load_unique(["themes.yaml"], Theme, required=True)
        sources = self.load_unique(["sources.yaml"], Source, required=True)
        measures = self.load_unique(["measures.yaml"], Measure, required=False)
        facts = self.load_unique(list(self.item_paths()), Fact, required=True)
        if not themes:
            self.problems.append(
                Problem(display_path(self.root / "themes.yaml"), None, None, "no themes defined")
            )
        self.cross_check(info, themes, sources, facts)
        if self.grades:
            self.check_grades(info, sources, facts)
        if self.problems:
            raise InvalidFactBase(self.problems)
        return FactBase(
            path=display_path(self.root),
            info=info,
            themes=tuple(t.obj for t in themes.values()),
            sources={s.obj.id: s.obj for s in sources.values()},
            facts=tuple(f.obj for f in facts.values()),
            measures={m.obj.id: m.obj for m in measures.values()},
        )

    def load_info(self) -> BaseInfo:
        path = self.root / "base.yaml"
        if not path.exists():
            return BaseInfo()
        file = self.read(path)
        if file is None:
            return BaseInfo()
        try:
            return BaseInfo.model_validate(file.data or {})
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(
                    file, error["loc"], None, _message(error, list(error["loc"]), BaseInfo)
                )
            return BaseInfo()

    def load_unique(
        self, names: list[str], model: type[Model], *, required: bool
    ) -> dict[str, _Placed[Model]]:
        """The items of one or more list files, by id, each with where it is defined."""
        found: dict[str, _Placed[Model]] = {}
        for name in names:
            file, items = self.read_list(name, required=required)
            if file is None:
                continue
            for index, obj in self.validate(file, items, model):
                obj_id = obj.id  # type: ignore[attr-defined]
                first = found.get(obj_id)
                if first is not None:
                    where = f"{first.file.display}:{first.file.line([first.index])}"
                    self.problem(file, [index], obj_id, f"duplicate id (first defined at {where})")
                else:
                    found[obj_id] = _Placed(obj, file, index)
            # The objects are made: a large base would otherwise be held twice until the end.
            file.data = None
            del items
        return found

    def item_paths(self) -> Iterator[str]:
        items = self.root / "items"
        if not items.is_dir():
            self.problems.append(Problem(display_path(items), None, None, "directory is missing"))
            return
        for path in fact_files(self.root):
            if path.parent != self.root:
                yield path.relative_to(self.root).as_posix()

    def dangling(self, ref: str, kind: str, known: Mapping[str, object]) -> str | None:
        """The message for ``ref``, an unknown <kind> (with a "did you mean"), if it names no object.

        None when it names one, or an object already reported as invalid.
        """
        if ref in known or ref in self.invalid_ids:
            return None
        return f"unknown {kind} '{ref}'{self.suggest(ref, kind, known)}"

    def cross_check(
        self,
        info: BaseInfo,
        themes: dict[str, _Placed[Theme]],
        sources: dict[str, _Placed[Source]],
        facts: dict[str, _Placed[Fact]],
    ) -> None:
        """Rules between objects: known ids, every language present, one unit per measure."""
        languages = info.languages
        for theme in themes.values():
            for missing in _missing_languages(theme.obj.title, languages):
                theme.report(self, ["title"], f"title has no '{missing}' text")
        units: dict[str, tuple[str, str]] = {}
        for placed in facts.values():
            fact, report = placed.obj, placed.reporter(self)
            for key, text in (("text", fact.text), ("comment", fact.comment)):
                if text is None:
                    continue
                for missing in _missing_languages(text, languages):
                    report([key], f"{key} has no '{missing}' version")
                for lang in text:
                    if lang not in languages:
                        report(
                            [key, lang],
                            f"language '{lang}' is not one of the base's ({', '.join(languages)})",
                        )
            for theme_id in fact.themes:
                if problem := self.dangling(theme_id, "theme", themes):
                    report(["themes"], problem)
            for i, ref in enumerate(fact.sources):
                if problem := self.dangling(ref.ref, "source", sources):
                    report(["sources", i, "ref"], problem)
                for via in ref.via:
                    if problem := self.dangling(via, "source", sources):
                        report(["sources", i, "via"], problem)
            for other in fact.contradicts:
                if problem := self.dangling(other, "fact", facts):
                    report(["contradicts"], f"contradicts {problem}")
            if fact.quantity is not None:
                measure, unit = fact.quantity.measure, fact.quantity.unit
                first = units.setdefault(measure, (unit, fact.id))
                if first[0] != unit:
                    report(
                        ["quantity", "unit"],
                        f"measure '{measure}' is in '{first[0]}' in fact {first[1]}, not '{unit}'",
                    )

    def check_grades(
        self,
        info: BaseInfo,
        sources: dict[str, _Placed[Source]],
        facts: dict[str, _Placed[Fact]],
    ) -> None:
        """Credibilities the Admiralty scale's definitions, or the base's own rules, rule out."""
        from briefgen.grading import check_grades

        by_id = {fact_id: placed.obj for fact_id, placed in facts.items()}
        known = {source_id: placed.obj for source_id, placed in sources.items()}
        for problem in check_grades(by_id, known, info.grading):
            facts[problem.fact_id].report(self, ["credibility"], problem.message)


@dataclass(frozen=True)
class _Placed(Generic[Model]):
    """A validated object and where it stands, to report problems about it."""

    obj: Model
    file: _File
    index: int

    def report(self, loading: _Loading, loc: Sequence[object], message: str) -> None:
        loading.problem(self.file, [self.index, *loc], self.obj.id, message)  # type: ignore[attr-defined]

    def reporter(self, loading: _Loading) -> Callable[[Sequence[object], str], None]:
        return lambda loc, message: self.report(loading, loc, message)


@cache
def _adapter(model: type[Model]) -> TypeAdapter[list[Model]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _first_causes(errors: list[Any]) -> list[Any]:
    """The errors, less "too short" ones that only follow from an error inside the same list.

    A bad source reference also leaves ``sources`` without a valid item, which
    pydantic reports as a second error; only the first says what to fix.
    """
    paths = [tuple(error["loc"]) for error in errors]
    return [
        error
        for error, path in zip(errors, paths, strict=True)
        if error["type"] != "too_short"
        or not any(len(other) > len(path) and other[: len(path)] == path for other in paths)
    ]


def _forbidden(char: str) -> str:
    import unicodedata

    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) == "Cc":
        return f"control character {code} is not allowed (only tab and newline are)"
    return (
        f"{code} {unicodedata.name(char)} is not allowed: bidirectional controls "
        "can make text display differently from what it says"
    )


def _kind(value: object) -> str:
    return {dict: "a mapping", str: "a string", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _missing_languages(text: dict[str, str], languages: Sequence[str]) -> list[str]:
    return [lang for lang in languages if not text.get(lang)]


def _suggest(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Suggestions:
    """``(did you mean 'x'?)`` for unknown ids, each worked out once, for at most
    :data:`MAX_SUGGESTIONS` distinct ids."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, str], str] = {}

    def __call__(self, name: str, kind: str, known: Iterable[str]) -> str:
        key = (name, kind)
        if key not in self.made:
            if len(self.made) >= MAX_SUGGESTIONS:
                return ""
            self.made[key] = _suggest(name, known)
        return self.made[key]


def _message(error: Any, loc: list[Any], model: type[BaseModel]) -> str:
    """A pydantic error, in the words of the fact format."""
    fields = [str(step) for step in loc if not isinstance(step, int)]
    if error["type"] == "extra_forbidden":
        key = fields[-1] if fields else "?"
        owner = _model_at(model, fields[:-1])
        known = [f.alias or name for name, f in owner.model_fields.items()] if owner else []
        return f"unknown key {excerpt(key)}{_suggest(key, known)}"
    if error["type"] == "missing":
        return f"missing required key '{'.'.join(fields)}'"
    if fields and fields[-1] == "[key]":
        return (
            f"{'.'.join(fields[:-2])}: {fields[-2]!r} is not a language code (en, fr, pt-BR, ...)"
        )
    msg = str(error["msg"]).removeprefix("Value error, ")
    where = ".".join(fields)
    return f"{where}: {msg}" if where else msg


def _model_at(model: type[BaseModel], fields: Sequence[str]) -> type[BaseModel] | None:
    """The model of the mapping that ``fields`` lead to from ``model`` (``sources`` -> SourceRef).

    A step that names no field is a key of a mapping (a language, say): the
    model of its values follows. None when the path leads to no model.
    """
    current: type[BaseModel] = model
    for step in fields:
        field = next(
            (f for name, f in current.model_fields.items() if step in (name, f.alias)), None
        )
        if field is None:
            continue
        nested = _nested_model(field.annotation)
        if nested is None:
            return None
        current = nested
    return current


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The first model in a field's type: ``SourceRef`` in ``tuple[SourceRef, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def fact_ids_by_file(root: Path) -> dict[Path, list[str]]:
    """The ids of the facts each ``items/`` file of ``root`` defines, in order (for adding facts).

    Only what a file defines is read, without validating it: a file that cannot
    be read holds no ids.
    """
    found: dict[Path, list[str]] = {}
    for path in fact_files(root):
        if path.parent == root:
            continue
        try:
            data = safe_yaml.parse(path.read_bytes().decode("utf-8-sig")).data
        except Exception:  # unreadable, or not YAML: loading the base reports why
            continue
        items = data if isinstance(data, list) else []
        found[path] = [
            i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)
        ]
    return found
