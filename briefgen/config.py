"""Configuration files: defaults for ``briefgen brief`` and the global options.

Read in this order, later ones winning:

1. ``$XDG_CONFIG_HOME/briefgen/config.toml`` (``~/.config/briefgen/config.toml``)
2. ``briefgen.toml`` in the working directory
3. the ``[profile.NAME]`` table of each, when ``--profile NAME`` is given

Environment variables (``BRIEFGEN_FACTS_DIR``, ``BRIEFGEN_BRIEF_LANG``, ...)
override files, and the command line overrides both; click applies that
order, since the files become its ``default_map``. Keys are the long option
names of ``briefgen brief`` (``lang = "fr"``, ``theme = ["military"]``,
``no-grades = true``) plus ``facts-dir`` and ``quiet``. Relative paths are
relative to the file they are written in.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from briefgen.errors import UsageError
from briefgen.paths import display_path

LOCAL_NAME = "briefgen.toml"
GLOBAL_KEYS = ("facts-dir", "quiet")
PATH_KEYS = frozenset({"facts-dir", "output", "template"})
ALIASES = {"themes": "theme", "format": "format"}


@dataclass(frozen=True)
class Setting:
    """A configured value and where it was set (``briefgen.toml:3``)."""

    key: str
    value: Any
    origin: str


def config_files() -> list[Path]:
    """The configuration files that exist, lowest precedence first."""
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    candidates = [Path(home) / "briefgen" / "config.toml", Path(LOCAL_NAME)]
    return [path for path in candidates if path.is_file()]


def load_settings(brief_command: click.Command, profile: str | None) -> dict[str, Setting]:
    """Every configured key with its value (checked and converted) and origin."""
    options = _options(brief_command)
    # (file, its text, profile name or None, table): plain tables first, then profiles.
    plain: list[tuple[Path, str, str | None, dict[str, Any]]] = []
    chosen: list[tuple[Path, str, str | None, dict[str, Any]]] = []
    profiles_seen: set[str] = set()
    for path in config_files():
        text, data = _read(path)
        data.pop("brief", None)  # the [[brief]] tables of 'briefgen build' (briefgen/build.py)
        profiles = data.pop("profile", {})
        if not isinstance(profiles, dict) or not all(
            isinstance(t, dict) for t in profiles.values()
        ):
            raise _error(path, text, "profile", "must be [profile.NAME] tables")
        profiles_seen.update(profiles)
        plain.append((path, text, None, data))
        if profile is not None and profile in profiles:
            chosen.append((path, text, profile, profiles[profile]))
    if profile is not None and profile not in profiles_seen:
        known = ", ".join(sorted(profiles_seen)) or "none defined"
        raise UsageError(f"unknown profile {profile!r} (profiles: {known})")
    settings: dict[str, Setting] = {}
    for path, text, section, table in plain + chosen:
        for raw_key, raw_value in table.items():
            key = ALIASES.get(raw_key, raw_key)
            where = f"{display_path(path)}:{_line_of(text, raw_key, section)}"
            if section:
                where += f" [profile.{section}]"
            value = _convert(path, text, raw_key, key, raw_value, options, section)
            settings[key] = Setting(key, value, where)
    return settings


def default_map(settings: dict[str, Setting], brief_command: click.Command) -> dict[str, Any]:
    """The settings as click's ``default_map`` for the ``brief`` command."""
    names = {_long_name(p): p.name for p in brief_command.params if isinstance(p, click.Option)}
    return {names[k]: s.value for k, s in settings.items() if k in names}


def _options(command: click.Command) -> dict[str, click.Option]:
    options = {_long_name(p): p for p in command.params if isinstance(p, click.Option)}
    options.pop("help", None)
    return options


def _long_name(param: click.Parameter) -> str:
    longs = [o for o in param.opts if o.startswith("--")] if isinstance(param, click.Option) else []
    return (longs[0] if longs else f"--{param.name}")[2:]


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except OSError as exc:
        raise UsageError(f"{display_path(path)}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{display_path(path)}: not valid UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = f":{match.group(1)}" if match else ""
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise UsageError(f"{display_path(path)}{line}: invalid TOML: {message}") from None


def _convert(
    path: Path,
    text: str,
    raw_key: str,
    key: str,
    value: Any,
    options: dict[str, click.Option],
    section: str | None,
) -> Any:
    if key in GLOBAL_KEYS:
        if key == "quiet" and not isinstance(value, bool):
            raise _error(path, text, raw_key, "must be true or false", section)
        if key == "facts-dir":
            if not isinstance(value, str):
                raise _error(path, text, raw_key, "must be a path (a string)", section)
            return str(_relative_to(path, value))
        return value
    option = options.get(key)
    if option is None:
        import difflib  # only for this message: it costs every run a few milliseconds

        known = [*GLOBAL_KEYS, *options]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise _error(path, text, raw_key, f"unknown key{hint}", section)
    if option.multiple and isinstance(value, str):
        value = [value]
    if option.multiple and not isinstance(value, list):
        raise _error(path, text, raw_key, "must be a list", section)
    if option.is_flag and not isinstance(value, bool):
        raise _error(path, text, raw_key, "must be true or false", section)
    try:
        if option.multiple:
            converted: Any = [option.type.convert(v, option, None) for v in value]
        else:
            converted = value if option.is_flag else option.type.convert(value, option, None)
    except click.BadParameter as exc:
        raise _error(path, text, raw_key, exc.format_message(), section) from None
    if key in PATH_KEYS and isinstance(converted, (str, Path)):
        converted = _relative_to(path, str(converted))
    return converted


def _relative_to(config: Path, value: str) -> Path:
    target = Path(value).expanduser()
    return target if target.is_absolute() else config.parent / target


def _error(path: Path, text: str, key: str, message: str, section: str | None = None) -> UsageError:
    return UsageError(f"{display_path(path)}:{_line_of(text, key, section)}: {key}: {message}")


def _line_of(text: str, key: str, section: str | None) -> int:
    """The line a key is set on (in its profile's table when given)."""
    lines = text.splitlines()
    start = 0
    if section is not None:
        header = re.compile(rf"^\s*\[\s*profile\.{re.escape(section)}\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(lines[start:], start=start + 1):
        if pattern.match(line):
            return number
    return start + 1


def effective_settings(
    group: click.Group, brief_command: click.Command, configured: dict[str, Setting]
) -> list[Setting]:
    """Every setting of ``brief`` (and the global ones): value and origin, as a run would see them."""
    group_options = {_long_name(p): p for p in group.params if isinstance(p, click.Option)}
    rows = [_effective(key, group_options[key], "BRIEFGEN", configured) for key in GLOBAL_KEYS]
    for key, option in _options(brief_command).items():
        rows.append(_effective(key, option, "BRIEFGEN_BRIEF", configured))
    return rows


def _effective(
    key: str, option: click.Option, prefix: str, configured: dict[str, Setting]
) -> Setting:
    envvar = option.envvar if isinstance(option.envvar, str) else None
    envvar = envvar or f"{prefix}_{(option.name or key).upper()}"
    if os.environ.get(envvar):
        return Setting(key, os.environ[envvar], f"env {envvar}")
    if key in configured:
        return configured[key]
    # to_info_dict() reports an option without a default as None (get_default gives a sentinel).
    return Setting(key, option.to_info_dict()["default"], "default")
