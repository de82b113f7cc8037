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

A ``briefgen.toml`` comes with whatever directory it is in, a cloned
repository or an unpacked archive: unless its directory is trusted (as git
trusts a repository only in a ``safe.directory``), it may not set what
writes files or loads code (:data:`TRUSTED_KEYS`), nor name a fact
directory outside its own. The user trusts directories in their own file,
``trusted-directories = ["~/briefs"]`` (``"*"``: every one), or in
``$BRIEFGEN_TRUSTED_DIRECTORIES`` (separated by ``:``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import UsageError, did_you_mean
from briefgen.paths import STDOUT_NAMES, display_path, toml_reader

LOCAL_NAME = "briefgen.toml"
GLOBAL_KEYS = ("facts-dir", "quiet")
PATH_KEYS = frozenset({"facts-dir", "output", "template"})
ALIASES = {"themes": "theme"}
TRUST_KEY = "trusted-directories"
ENV_TRUSTED = "BRIEFGEN_TRUSTED_DIRECTORIES"
# What a briefgen.toml in an untrusted directory may not set: where output is
# written, and templates (code, however sandboxed).
TRUSTED_KEYS = {"output": "set where output is written", "template": "load templates"}
# Where facts are read from: only inside the file's own directory, unless trusted.
CONTAINED_KEYS = ("facts-dir", "changed-since")


@dataclass(frozen=True)
class Setting:
    """A configured value and where it was set (``briefgen.toml:3``)."""

    key: str
    value: Any
    origin: str
    trusted: bool = True  # set by the user's own file, or a briefgen.toml in a trusted directory


@dataclass(frozen=True)
class ConfigFile:
    """A configuration file, and whether it may set everything."""

    path: Path
    text: str
    data: dict[str, Any]
    trusted: bool
    local: bool  # the working directory's briefgen.toml


def user_config_path() -> Path:
    """``$XDG_CONFIG_HOME/briefgen/config.toml``: the user's own file, always trusted."""
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(home) / "briefgen" / "config.toml"


def config_files() -> list[ConfigFile]:
    """The configuration files that exist, read, lowest precedence first."""
    found: list[ConfigFile] = []
    trusted = _environment_trust()
    user = user_config_path()
    if user.is_file():
        text, data = _read(user)
        trusted += _trusted_directories(user, text, data.pop(TRUST_KEY, []))
        found.append(ConfigFile(user, text, data, trusted=True, local=False))
    local = Path(LOCAL_NAME)
    if local.is_file():
        text, data = _read(local)
        for table in (data, *_profiles(local, text, data).values()):
            if TRUST_KEY in table:
                raise _error(local, text, TRUST_KEY, f"may only be set in {_home(user)}")
        here = Path.cwd().resolve()
        is_trusted = "*" in trusted or here in {
            Path(entry).expanduser().resolve() for entry in trusted if entry != "*"
        }
        found.append(ConfigFile(local, text, data, trusted=is_trusted, local=True))
    return found


@dataclass(frozen=True)
class Configuration:
    """What the configuration files set, and the working directory's file, if any."""

    settings: dict[str, Setting]
    local: ConfigFile | None

    def notice(self) -> str | None:
        """The line that says a ``briefgen.toml`` of the working directory is in use."""
        if self.local is None:
            return None
        shown = display_path(self.local.path)
        if self.local.trusted:
            return f"briefgen: using settings from {shown}"
        return (
            f"briefgen: using settings from {shown} (not a trusted directory: it may not set "
            "output, template or a fact directory outside it; see 'briefgen config --help')"
        )


def load_settings(profile: str | None) -> Configuration:
    """Every configured key with its value (checked and converted) and origin."""
    # (file, profile name or None, table): plain tables first, then profiles.
    plain: list[tuple[ConfigFile, str | None, dict[str, Any]]] = []
    chosen: list[tuple[ConfigFile, str | None, dict[str, Any]]] = []
    profiles_seen: set[str] = set()
    for file in config_files():
        data = dict(file.data)
        data.pop("brief", None)  # the [[brief]] tables of 'briefgen build' (briefgen/build.py)
        profiles = _profiles(file.path, file.text, data)
        data.pop("profile", None)
        profiles_seen.update(profiles)
        plain.append((file, None, data))
        if profile is not None and profile in profiles:
            chosen.append((file, profile, profiles[profile]))
    if profile is not None and profile not in profiles_seen:
        known = ", ".join(sorted(profiles_seen)) or "none defined"
        raise UsageError(f"unknown profile {profile!r} (profiles: {known})")
    settings: dict[str, Setting] = {}
    for file, section, table in plain + chosen:
        for raw_key, raw_value in table.items():
            key = ALIASES.get(raw_key, raw_key)
            where = f"{display_path(file.path)}:{line_of(file.text, raw_key, section)}"
            if section:
                where += f" [profile.{section}]"
            value = convert_setting(file, raw_key, key, raw_value, section)
            settings[key] = Setting(key, value, where, file.trusted)
    local = next((file for file, _, _ in plain if file.local), None)
    return Configuration(settings, local)


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    tomllib = toml_reader()
    from briefgen.reading import MAX_CONFIG_SIZE, Unreadable, read_bytes

    try:
        # Universal newlines, as read_text() would: TOML takes CRLF, not a lone CR.
        raw = read_bytes(path, MAX_CONFIG_SIZE)
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        return text, tomllib.loads(text)
    except Unreadable as exc:
        raise UsageError(f"{display_path(path)}: {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{display_path(path)}: not valid UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = f":{match.group(1)}" if match else ""
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise UsageError(f"{display_path(path)}{line}: invalid TOML: {message}") from None


def _profiles(path: Path, text: str, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    profiles = data.get("profile", {})
    if not isinstance(profiles, dict) or not all(isinstance(t, dict) for t in profiles.values()):
        raise _error(path, text, "profile", "must be [profile.NAME] tables")
    return profiles


def _environment_trust() -> list[str]:
    entries = [e for e in os.environ.get(ENV_TRUSTED, "").split(os.pathsep) if e]
    for entry in entries:
        if entry != "*" and not Path(entry).expanduser().is_absolute():
            raise UsageError(f"{ENV_TRUSTED}: {entry!r} is not an absolute path")
    return entries


def _trusted_directories(path: Path, text: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _error(path, text, TRUST_KEY, "must be a list of directories")
    for entry in value:
        _refuse_controls(path, text, TRUST_KEY, entry, None)
        if entry != "*" and not Path(entry).expanduser().is_absolute():
            raise _error(path, text, TRUST_KEY, f"{entry!r} is not an absolute path")
    return list(value)


def _home(path: Path) -> str:
    """``path`` with the home directory written ``~``, as the user would look for it."""
    try:
        home = Path.home()
    except RuntimeError:  # no home directory to speak of
        return str(path)
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


def _refuse_controls(path: Path, text: str, key: str, value: Any, section: str | None) -> None:
    """Control and bidirectional characters are refused in configured text, as in facts."""
    from briefgen.safe_yaml import FORBIDDEN

    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and (match := FORBIDDEN.search(item)):
            code = f"U+{ord(match.group()):04X}"
            raise _error(path, text, key, f"character {code} is not allowed", section)


def _check_trust(file: ConfigFile, key: str, raw_key: str, value: Any, section: str | None) -> None:
    """What a file in an untrusted directory may not set (see the module's docstring)."""
    if file.trusted:
        return
    remedy = (
        f"unless its directory is trusted: add {str(file.path.parent.resolve())!r} to "
        f"{TRUST_KEY} in {_home(user_config_path())}"
    )
    if key in TRUSTED_KEYS and str(value) not in STDOUT_NAMES:  # standard output is harmless
        message = f"a {LOCAL_NAME} cannot {TRUSTED_KEYS[key]} {remedy}"
        raise _error(file.path, file.text, raw_key, message, section)
    if key in CONTAINED_KEYS and isinstance(value, (str, Path)):
        target = file.path.parent / Path(value).expanduser()
        if key == "changed-since" and not target.is_dir():
            return  # a git revision
        if not target.resolve().is_relative_to(file.path.parent.resolve()):
            message = f"a {LOCAL_NAME} cannot name a fact directory outside its own {remedy}"
            raise _error(file.path, file.text, raw_key, message, section)


def convert_setting(
    file: ConfigFile, raw_key: str, key: str, value: Any, section: str | None
) -> Any:
    """The value of ``key`` (written ``raw_key``) set in ``file``, checked and converted
    by the request's own types (:data:`briefgen.request.BRIEF_KEYS`); a
    :class:`UsageError` naming the file, line and key if it cannot be."""
    from briefgen.request import KEYS, convert

    path, text = file.path, file.text
    _refuse_controls(path, text, raw_key, value, section)
    _check_trust(file, key, raw_key, value, section)
    if key in GLOBAL_KEYS:
        if key == "quiet" and not isinstance(value, bool):
            raise _error(path, text, raw_key, "must be true or false", section)
        if key == "facts-dir":
            if not isinstance(value, str):
                raise _error(path, text, raw_key, "must be a path (a string)", section)
            return str(_relative_to(path, value))
        return value
    spec = KEYS.get(key)
    if spec is None:
        hint = did_you_mean(key, [*GLOBAL_KEYS, *KEYS])
        raise _error(path, text, raw_key, f"unknown key{hint}", section)
    try:
        converted = convert(spec, value)
    except ValueError as exc:
        raise _error(path, text, raw_key, str(exc), section) from None
    if key in PATH_KEYS and isinstance(converted, (str, Path)) and str(converted) != "-":
        converted = _relative_to(path, str(converted))
    return converted


def _relative_to(config: Path, value: str) -> Path:
    target = Path(value).expanduser()
    return target if target.is_absolute() else config.parent / target


def _error(path: Path, text: str, key: str, message: str, section: str | None = None) -> UsageError:
    return UsageError(f"{display_path(path)}:{line_of(text, key, section)}: {key}: {message}")


def line_of(text: str, key: str, section: str | None) -> int:
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
