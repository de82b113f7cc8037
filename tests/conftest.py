"""Shared test fixtures: run the real CLI on small fixture fact bases."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from briefgen.cli import cli

# Property tests (tests/test_properties.py): a few dozen made-up bases each by
# default; CI runs more, in a fixed order (HYPOTHESIS_PROFILE=ci). Each example
# runs the whole command line, hence no deadline.
settings.register_profile(
    "default", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files in tests/golden/ from the current output.",
    )


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No user configuration, a private cache, no colour, a fixed date."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    for name in ("BRIEFGEN_FACTS_DIR", "NO_COLOR", "COLUMNS", "BRIEFGEN_CACHE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fixtures() -> Path:
    """The directory of the fixture bases (pact, coffee, edge, grades)."""
    return FIXTURES


@pytest.fixture
def seeds() -> Path:
    """The five source articles of the shipped base, beside the project (skips if absent)."""
    if not SEEDS.is_dir():
        pytest.skip(f"the source articles are not at {SEEDS}")
    return SEEDS


@pytest.fixture
def pact() -> Path:
    """A small fact base: two articles, two original sources, three themes."""
    return FIXTURES / "pact"


@pytest.fixture
def pact_copy(tmp_path: Path, pact: Path) -> Path:
    """A writable copy of the pact base, for tests that break it."""
    target = tmp_path / "facts"
    shutil.copytree(pact, target)
    return target


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """``run("--facts-dir", d, "brief")``: invoke the CLI, stdout and stderr kept apart."""

    def invoke(*args: object, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden("name.md", text)``: compare with tests/golden/name.md (or rewrite it)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return check


@pytest.fixture(scope="session")
def chromium() -> Iterator[Callable[..., str]]:
    """``chromium(*args, timeout=90)``: run headless Chromium, with a profile of its own and
    nothing fetched behind the page's back, and return what it prints. Skips the test
    where Chromium is not installed (CI installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed")
    profile = tempfile.mkdtemp(prefix="chromium-")

    def run(*args: str, timeout: float = 90) -> str:
        command = [
            found,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
        return done.stdout

    yield run
    shutil.rmtree(profile, ignore_errors=True)
