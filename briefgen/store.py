"""Load and validate a fact directory: the only code that reads fact files.

A fact directory holds ``themes.yaml``, ``sources.yaml``, ``items/*.yaml``
and optionally ``base.yaml`` and ``measures.yaml``. Every problem is
collected and reported at once as ``file:line: id: message``.

YAML is read with PyYAML's safe C loader. Line numbers are only worked out
when there is a problem to report, so a valid base loads at full speed.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from briefgen.errors import InvalidFactBase, Problem, UsageError
from briefgen.model import BaseInfo, Fact, FactBase, Measure, Source, Theme
from briefgen.paths import package_data

if TYPE_CHECKING:
    import yaml

ENV_FACTS_DIR = "BRIEFGEN_FACTS_DIR"
Model = TypeVar("Model", bound=BaseModel)


@cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader (the C one when available), imported on first use."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    if not cache:
        return _Loading(root).run()
    from briefgen import cache as base_cache

    key = base_cache.key(root, fact_files(root))
    base = base_cache.get(key)
    if base is None or base.path != display_path(root):
        base = _Loading(root).run()
        base_cache.put(key, base)
    return base


def fact_files(root: Path) -> list[Path]:
    """Every file a fact base is read from, in a stable order."""
    names = ["base.yaml", "themes.yaml", "sources.yaml", "measures.yaml"]
    files = [root / name for name in names if (root / name).is_file()]
    items = root / "items"
    if items.is_dir():
        found = [p for p in items.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
        files += sorted(found, key=lambda p: p.relative_to(items).as_posix())
    return files


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class _File:
    """One YAML file: its parsed data, and its node tree on demand (for line numbers)."""

    path: Path
    display: str
    text: str
    data: Any
    _root: yaml.Node | None = field(default=None, repr=False)

    def line(self, loc: Sequence[object] = ()) -> int | None:
        """The line of the node at ``loc`` (list indexes and mapping keys), or its closest parent."""
        yaml, loader = _yaml()
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=loader)
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


class _Loading:
    """The state of one load: the files read and the problems found so far."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.problems: list[Problem] = []
        # Ids of items that failed validation: not reported again as unknown elsewhere.
        self.invalid_ids: set[str] = set()

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
        if not path.resolve().is_relative_to(self.real_root):
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
            bad_line = raw.count(b"\n", 0, exc.start) + 1
            self.problems.append(Problem(display, bad_line, None, "not valid UTF-8 text"))
            return None
        yaml, loader = _yaml()
        try:
            if ("&" in text or "*" in text) and _has_anchors(text):
                # Aliases let a tiny file expand into a huge one ("billion laughs").
                raise _AliasError
            data = yaml.load(text, Loader=loader)
        except _AliasError:
            self.problems.append(
                Problem(display, None, None, "YAML anchors and aliases are not allowed")
            )
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
        return _File(path, display, text, data)

    def read_list(self, name: str, *, required: bool) -> tuple[_File | None, list[Any]]:
        path = self.root / name
        if not path.exists():
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
            for error in exc.errors():
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
        return found

    def item_paths(self) -> Iterator[str]:
        items = self.root / "items"
        if not items.is_dir():
            self.problems.append(Problem(display_path(items), None, None, "directory is missing"))
            return
        for path in fact_files(self.root):
            if path.parent != self.root:
                yield path.relative_to(self.root).as_posix()

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
            for missing in _missing_languages(fact.text, languages):
                report(["text"], f"text has no '{missing}' version")
            for lang in fact.text:
                if lang not in languages:
                    report(
                        ["text", lang],
                        f"language '{lang}' is not one of the base's ({', '.join(languages)})",
                    )
            for theme_id in fact.themes:
                if theme_id not in themes and theme_id not in self.invalid_ids:
                    report(["themes"], f"unknown theme '{theme_id}'{_suggest(theme_id, themes)}")
            for i, ref in enumerate(fact.sources):
                if ref.ref not in sources and ref.ref not in self.invalid_ids:
                    report(
                        ["sources", i, "ref"],
                        f"unknown source '{ref.ref}'{_suggest(ref.ref, sources)}",
                    )
                for via in ref.via:
                    if via not in sources and via not in self.invalid_ids:
                        report(
                            ["sources", i, "via"], f"unknown source '{via}'{_suggest(via, sources)}"
                        )
            for other in fact.contradicts:
                if other not in facts and other not in self.invalid_ids:
                    report(
                        ["contradicts"],
                        f"contradicts unknown fact '{other}'{_suggest(other, facts)}",
                    )
            if fact.quantity is not None:
                measure, unit = fact.quantity.measure, fact.quantity.unit
                first = units.setdefault(measure, (unit, fact.id))
                if first[0] != unit:
                    report(
                        ["quantity", "unit"],
                        f"measure '{measure}' is in '{first[0]}' in fact {first[1]}, not '{unit}'",
                    )


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


class _AliasError(Exception):
    pass


def _has_anchors(text: str) -> bool:
    yaml, loader = _yaml()
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return True
    return False


def _kind(value: object) -> str:
    return {dict: "a mapping", str: "a string", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _missing_languages(text: dict[str, str], languages: Sequence[str]) -> list[str]:
    return [lang for lang in languages if not text.get(lang)]


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _message(error: Any, loc: list[Any], model: type[BaseModel]) -> str:
    """A pydantic error, in the words of the fact format."""
    fields = [str(step) for step in loc if not isinstance(step, int)]
    if error["type"] == "extra_forbidden":
        key = fields[-1] if fields else "?"
        known = [f.alias or name for name, f in model.model_fields.items()]
        return f"unknown key '{key}'{_suggest(key, known)}"
    if error["type"] == "missing":
        return f"missing required key '{'.'.join(fields)}'"
    if fields and fields[-1] == "[key]":
        return (
            f"{'.'.join(fields[:-2])}: {fields[-2]!r} is not a language code (en, fr, pt-BR, ...)"
        )
    msg = str(error["msg"]).removeprefix("Value error, ")
    where = ".".join(fields)
    return f"{where}: {msg}" if where else msg
