"""Validation of a fact base: every file parsed, every problem found and reported at once,
as ``file:line: id: message`` (see :mod:`briefgen.store`)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from briefgen import fact_format, safe_yaml
from briefgen.errors import InvalidFactBase, Problem, did_you_mean, excerpt
from briefgen.files import BaseFiles, collector_paused
from briefgen.model import BaseInfo, Fact, FactBase, Judgment, Measure, Source, Theme

Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")
# Beyond this many unknown ids, no "did you mean" is offered: each suggestion
# compares the name with every known id, so a base with thousands of broken
# references would otherwise take quadratic time to report them.
MAX_SUGGESTIONS = 200
# The most read from one base, in all its files: some 500,000 facts.
MAX_PROBLEMS_PER_ITEM = 20
# Problems listed for one base: past them, nothing more is looked at. Some
# files of bad items took 23 s and printed millions of lines.
MAX_PROBLEMS = 1000
# Items validated at once (a file of bad items is validated no further than need be).
_CHUNK = 2000


def load_files(files: BaseFiles) -> FactBase:
    """Validate the base ``files`` hold, as :func:`load` does but with no cache: files
    read, and changed in memory (:meth:`BaseFiles.with_texts`) before anything is written.
    """
    with collector_paused():
        return Loading(files).run()


@dataclass
class _File:
    """One parsed YAML file: its data, and where its problems are, worked out on demand.

    The file's bytes are kept rather than its text, which can take twice or four
    times the memory, and are only decoded again if a problem needs a line number.
    """

    display: str
    raw: bytes
    data: Any
    item_lines: list[int] = field(default_factory=list, repr=False)
    # Problems about nodes below the items, waiting for their line: (loc, item id, message).
    pending: list[tuple[tuple[object, ...], str | None, str]] = field(
        default_factory=list, repr=False
    )

    def item_line(self, index: int) -> int | None:
        """The first line of the top-level item ``index``."""
        return self.item_lines[index] if index < len(self.item_lines) else None

    def placed(self) -> list[Problem]:
        """The pending problems, with their lines: the file is read once for all of them."""
        if not self.pending:
            return []
        lines = safe_yaml.locate(self.raw.decode("utf-8-sig"), (loc for loc, _, _ in self.pending))
        problems = [Problem(self.display, lines[loc], who, what) for loc, who, what in self.pending]
        self.pending.clear()
        return problems

    def item_at(self, line: int) -> str | None:
        """The id of the top-level item that ``line`` belongs to, if it has one."""
        index = bisect_right(self.item_lines, line) - 1
        if index < 0 or not isinstance(self.data, list):
            return None
        item = self.data[index]
        item_id = item.get("id") if isinstance(item, dict) else None
        return item_id if isinstance(item_id, str) else None


class Loading:
    """The state of one load: the files read and the problems found so far.

    ``grades=False`` skips the grading rules (:mod:`briefgen.grading`): a past
    revision read for comparison is not judged by rules it may predate.
    """

    def __init__(self, files: BaseFiles, *, grades: bool = True) -> None:
        self.files = files
        self.grades = grades
        self.problems: list[Problem] = []
        self.parsed: list[_File] = []
        # Ids of items that failed validation: not reported again as unknown elsewhere.
        self.invalid_ids: set[str] = set()
        self.suggest = _Suggestions()
        self.stopped = False  # MAX_PROBLEMS were found: the rest is not looked at

    # -- reading ---------------------------------------------------------

    def problem(
        self, file: _File | str, loc: Sequence[object], item_id: str | None, msg: str
    ) -> None:
        if isinstance(file, str):
            self.problems.append(Problem(file, None, item_id, msg))
        elif len(loc) == 1 and isinstance(loc[0], int) and file.item_line(loc[0]) is not None:
            self.problems.append(Problem(file.display, file.item_line(loc[0]), item_id, msg))
        else:
            file.pending.append((tuple(loc), item_id, msg))

    def read(self, name: str) -> _File | None:
        content = self.files.files[name]
        display, raw = self.files.name_file(name), content.raw
        if content.problem is not None:
            self.problems.append(Problem(display, None, None, content.problem))
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
        file = _File(display, raw, document.data, item_lines=document.item_lines)
        self.parsed.append(file)
        for line, char in document.forbidden:
            self.problems.append(Problem(display, line, file.item_at(line), _forbidden(char)))
        return file

    def read_list(self, name: str, *, required: bool) -> tuple[_File | None, list[Any]]:
        if name not in self.files.files:
            if required:
                self.problems.append(
                    Problem(self.files.name_file(name), None, None, "file is missing")
                )
            return None, []
        file = self.read(name)
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
        self, file: _File, items: list[Any], model: type[fact_format.Checked]
    ) -> list[tuple[int, Any]]:
        """The valid ``items`` as records (:mod:`briefgen.model`), each with its index."""
        """Validate every item of ``file``: the good ones with their index; the others reported.

        Items are validated a few thousand at a time, and no more once the base has
        :data:`MAX_PROBLEMS` problems: a file of bad items is reported in bounded time.
        """
        valid: list[tuple[int, Any]] = []
        for start in range(0, len(items), _CHUNK):
            if self.full():
                return valid
            valid += self.validate_chunk(file, items, start, model)
        return valid

    def validate_chunk(
        self, file: _File, items: list[Any], start: int, model: type[fact_format.Checked]
    ) -> list[tuple[int, Any]]:
        adapter = _adapter(model)
        chunk = items[start : start + _CHUNK]
        try:
            return list(enumerate(_records(adapter.validate_python(chunk)), start))
        except ValidationError as exc:
            per_item: Counter[int] = Counter()
            last_listed: dict[int, list[Any]] = {}
            for error in _first_causes(exc.errors()):
                offset, *loc = error["loc"]
                assert isinstance(offset, int)
                index = start + offset
                per_item[index] += 1
                if per_item[index] > MAX_PROBLEMS_PER_ITEM:
                    continue
                if per_item[index] == 1 and self.full():
                    return []  # the rest is not worth reporting: :meth:`run` says so
                item = items[index]
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.invalid_ids.add(item["id"])
                last_listed[index] = [index, *loc]
                self.problem(file, [index, *loc], _item_id(item), _message(error, loc, model))
            for index, count in per_item.items():
                if count > MAX_PROBLEMS_PER_ITEM:
                    more = count - MAX_PROBLEMS_PER_ITEM
                    # On the line of the last one listed, and after it ("…" sorts after letters).
                    message = f"… and {more} more problem{'s' if more > 1 else ''} in this item"
                    self.problem(file, last_listed[index], _item_id(items[index]), message)
            good = [i for i in range(start, start + len(chunk)) if i not in per_item]
            valid = _records(adapter.validate_python([items[i] for i in good]))
            return list(zip(good, valid, strict=True))

    def full(self) -> bool:
        """Whether the base has :data:`MAX_PROBLEMS` problems already (and stops looking)."""
        found = len(self.problems) + sum(len(file.pending) for file in self.parsed)
        if found >= MAX_PROBLEMS:
            self.stopped = True
        return self.stopped

    def run(self) -> FactBase:
        info = self.load_info()
        themes: dict[str, _Placed[Theme]]
        sources: dict[str, _Placed[Source]]
        measures: dict[str, _Placed[Measure]]
        facts: dict[str, _Placed[Fact]]
        judgments: dict[str, _Placed[Judgment]]
        themes = self.load_unique(["themes.yaml"], fact_format.Theme, required=True)
        sources = self.load_unique(["sources.yaml"], fact_format.Source, required=True)
        measures = self.load_unique(["measures.yaml"], fact_format.Measure, required=False)
        facts = self.load_unique(self.item_paths(), fact_format.Fact, required=True)
        judgments = self.load_unique(["judgments.yaml"], fact_format.Judgment, required=False)
        if not themes and not self.stopped:
            self.problems.append(
                Problem(self.files.name_file("themes.yaml"), None, None, "no themes defined")
            )
        if not self.full():
            # Once stopped, items are left unchecked: their ids would be reported unknown.
            self.cross_check(info, themes, sources, facts)
            if self.grades:
                self.check_grades(info, sources, facts)
                self.check_judgments(info, themes, sources, facts, judgments)
        for file in self.parsed:
            self.problems += file.placed()
        if self.stopped:
            count = len(self.problems)  # the items are reported whole: a few past the limit
            message = f"… stopped after {count} problems: correct these, then run again"
            self.problems.append(Problem(self.files.display, None, None, message, last=True))
        if self.problems:
            raise InvalidFactBase(self.problems)
        return FactBase(
            path=self.files.display,
            info=info,
            themes=tuple(t.obj for t in themes.values()),
            sources={s.obj.id: s.obj for s in sources.values()},
            facts=tuple(f.obj for f in facts.values()),
            measures={m.obj.id: m.obj for m in measures.values()},
            judgments=tuple(j.obj for j in judgments.values()),
        )

    def load_info(self) -> BaseInfo:
        if "base.yaml" not in self.files.files:
            return BaseInfo()
        file = self.read("base.yaml")
        if file is None:
            return BaseInfo()
        try:
            info: BaseInfo = fact_format.BaseInfo.model_validate(file.data or {}).record()
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(
                    file,
                    error["loc"],
                    None,
                    _message(error, list(error["loc"]), fact_format.BaseInfo),
                )
            return BaseInfo()
        return info

    def load_unique(
        self, names: list[str], model: type[fact_format.Checked], *, required: bool
    ) -> dict[str, _Placed[Any]]:
        """The items of one or more list files, by id, each with where it is defined."""
        found: dict[str, _Placed[Any]] = {}
        for name in names:
            if self.full():
                break  # the files left are not even read
            file, items = self.read_list(name, required=required)
            if file is None:
                continue
            for index, obj in self.validate(file, items, model):
                obj_id = obj.id
                first = found.get(obj_id)
                if first is not None:
                    where = f"{first.file.display}:{first.file.item_line(first.index)}"
                    self.problem(file, [index], obj_id, f"duplicate id (first defined at {where})")
                else:
                    found[obj_id] = _Placed(obj, file, index)
            # The objects are made: a large base would otherwise be held twice until the end.
            file.data = None
            del items
        return found

    def item_paths(self) -> list[str]:
        if not self.files.has_items:
            self.problems.append(
                Problem(self.files.name_file("items"), None, None, "directory is missing")
            )
        return [name for name in self.files.files if name.startswith("items/")]

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

    def check_judgments(
        self,
        info: BaseInfo,
        themes: dict[str, _Placed[Theme]],
        sources: dict[str, _Placed[Source]],
        facts: dict[str, _Placed[Fact]],
        judgments: dict[str, _Placed[Judgment]],
    ) -> None:
        """The analytic rules of key judgments (:mod:`briefgen.analytic`)."""
        if not judgments:
            return
        from briefgen.analytic import check_judgments

        for placed in judgments.values():
            report = placed.reporter(self)
            judgment = placed.obj
            for key, text in (("text", judgment.text), ("indicators", judgment.indicators)):
                for missing in _missing_languages(text, info.languages) if text else ():
                    report([key], f"{key} has no '{missing}' version")
            for theme_id in judgment.themes:
                if problem := self.dangling(theme_id, "theme", themes):
                    report(["themes"], problem)
            if judgment.id in facts:
                report(["id"], "a judgment and a fact cannot share an id")
        by_id = {fact_id: placed.obj for fact_id, placed in facts.items()}
        known = {source_id: placed.obj for source_id, placed in sources.items()}
        for broken in check_judgments(
            {j: p.obj for j, p in judgments.items()}, by_id, known, info, self.invalid_ids
        ):
            judgments[broken.judgment_id].report(self, broken.loc, broken.message)


@dataclass(frozen=True)
class _Placed(Generic[T]):
    """A validated object and where it stands, to report problems about it."""

    obj: T
    file: _File
    index: int

    def report(self, loading: Loading, loc: Sequence[object], message: str) -> None:
        loading.problem(self.file, [self.index, *loc], self.obj.id, message)  # type: ignore[attr-defined]

    def reporter(self, loading: Loading) -> Callable[[Sequence[object], str], None]:
        return lambda loc, message: self.report(loading, loc, message)


def _records(checked: list[fact_format.Checked]) -> list[Any]:
    return [obj.record() for obj in checked]


@cache
def _adapter(model: type[Model]) -> TypeAdapter[list[Model]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _first_causes(errors: list[Any]) -> list[Any]:
    """The errors, less "too short" ones that only follow from an error inside the same list.

    A bad source reference also leaves ``sources`` without a valid item, which
    pydantic reports as a second error; only the first says what to fix.
    """
    paths = [tuple(error["loc"]) for error in errors]
    # Every loc that some error lies below, found once rather than for each error.
    parents = {path[:n] for path in paths for n in range(1, len(path))}
    return [
        error
        for error, path in zip(errors, paths, strict=True)
        if error["type"] != "too_short" or path not in parents
    ]


def _item_id(item: Any) -> str | None:
    item_id = item.get("id") if isinstance(item, dict) else None
    return str(item_id) if item_id else None


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
            self.made[key] = did_you_mean(name, known)
        return self.made[key]


def _message(error: Any, loc: list[Any], model: type[BaseModel]) -> str:
    """A pydantic error, in the words of the fact format."""
    fields = [str(step) for step in loc if not isinstance(step, int)]
    if error["type"] == "extra_forbidden":
        key = fields[-1] if fields else "?"
        owner = _model_at(model, fields[:-1])
        known = [f.alias or name for name, f in owner.model_fields.items()] if owner else []
        return f"unknown key {excerpt(key)}{did_you_mean(key, known)}"
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
        nested = fact_format.nested_model(field.annotation)
        if nested is None:
            return None
        current = nested
    return current
