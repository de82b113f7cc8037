"""Output files and the cache under stress: killed runs, readers during a write, runs at once."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

# Runs briefgen with os.fsync replaced by a version that syncs and then kills
# the process: the new brief is complete in its temporary file, not yet renamed.
KILLED_AFTER_FSYNC = """
import os, signal, sys
import briefgen.output

real_fsync = os.fsync

def fsync_then_die(fd):
    real_fsync(fd)
    os.kill(os.getpid(), signal.SIGKILL)

briefgen.output.os.fsync = fsync_then_die
from briefgen.cli import main
sys.argv[0] = "briefgen"
main()
"""


def briefgen(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def finish(process: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out.decode(), err.decode()


def test_a_run_killed_before_the_rename_leaves_the_old_file(pact, tmp_path):
    target = tmp_path / "brief.md"
    target.write_text("old brief\n")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_FSYNC, "--facts-dir", pact, "brief", "-o", target],
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL
    assert target.read_text() == "old brief\n"
    # The complete new brief is left in a hidden temporary file beside it (a
    # killed process cannot clean up), never under the target's name.
    (leftover,) = (p for p in tmp_path.iterdir() if p != target)
    assert leftover.name.startswith(".brief.md.") and leftover.name.endswith(".tmp")
    assert leftover.read_text().startswith("# The Northland–Eastland pact\n")
    # the next run replaces the file as usual
    code, _, err = finish(briefgen("--facts-dir", pact, "brief", "-o", target))
    assert (code, err) == (0, "")
    assert target.read_text() == leftover.read_text()


def test_readers_see_the_old_or_the_new_file_never_a_part(tmp_path, generated_base):
    target = tmp_path / "brief.md"
    versions = {}
    for lang in ("en", "fr"):
        code, out, _ = finish(
            briefgen("--facts-dir", generated_base, "brief", "--pages", "0", "-l", lang)
        )
        assert code == 0
        versions[lang] = out
    assert len(versions["en"]) > 100_000  # large enough for a torn write to show
    target.write_text(versions["en"])
    target.chmod(0o640)
    seen: set[str] = set()
    stop = threading.Event()

    def read_continuously() -> None:
        while not stop.is_set():
            seen.add(target.read_text())

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for lang in ("fr", "en", "fr", "en", "fr"):
            code, _, err = finish(
                briefgen(
                    "--facts-dir", generated_base, "brief", "--pages", "0", "-l", lang, "-o", target
                )
            )
            assert code == 0, err
    finally:
        stop.set()
        reader.join()
    assert seen <= set(versions.values())
    assert target.read_text() == versions["fr"]
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md"]


def test_runs_at_once_write_their_own_files_and_share_the_cache(tmp_path, pact, pact_copy):
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache)}
    jobs = [
        (base, fmt, lang)
        for base in (pact, pact_copy)
        for fmt, lang in (("md", "en"), ("json", "fr"), ("term", "en"))
    ]
    expected = {}
    for base, fmt, lang in jobs:
        code, out, _ = finish(
            briefgen(
                "--facts-dir", base, "brief", "-f", fmt, "-l", lang, env={"BRIEFGEN_CACHE": "0"}
            )
        )
        assert code == 0
        expected[base, fmt, lang] = out
    outputs = {job: tmp_path / f"out-{n}.txt" for n, job in enumerate(jobs)}
    # all at once, on a cold cache: every one of them parses its base and writes its entry
    running = [
        briefgen(
            "--facts-dir",
            base,
            "brief",
            "-f",
            fmt,
            "-l",
            lang,
            "-o",
            outputs[base, fmt, lang],
            env=env,
        )
        for base, fmt, lang in jobs
    ]
    for process in running:
        assert finish(process)[0] == 0
    for job, path in outputs.items():
        assert path.read_text() == expected[job]
    # one entry per base directory (and the fitting's choices), no temporary file left
    entries = sorted(p.name for p in (cache / "briefgen").iterdir())
    assert sum(name.endswith(".pickle") for name in entries) == 2
    assert all(name.endswith(".pickle") or name.startswith("fit-") for name in entries)
    # and a warm run reads the same base back
    for base, fmt, lang in jobs:
        code, out, _ = finish(
            briefgen("--facts-dir", base, "brief", "-f", fmt, "-l", lang, env=env)
        )
        assert (code, out) == (0, expected[base, fmt, lang])


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
        lambda path: path.write_bytes(b"not a pickle"),
        lambda path: path.write_bytes(b""),
    ],
    ids=["truncated", "garbage", "empty"],
)
def test_a_damaged_cache_entry_is_ignored(run, pact, tmp_path, monkeypatch, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = run("--facts-dir", pact, "brief", "-f", "md")
    (entry,) = (tmp_path / "briefgen").glob("*.pickle")
    damage(entry)
    again = run("--facts-dir", pact, "brief", "-f", "md")
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)


def test_a_cache_directory_others_can_write_is_not_used(run, pact, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "briefgen"
    folder.mkdir()
    folder.chmod(0o777)  # anyone could plant a pickle here
    result = run("--facts-dir", pact, "brief", "-f", "md")
    assert result.exit_code == 0
    assert list(folder.iterdir()) == []


def test_each_base_keeps_one_cache_entry(run, pact_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    trade = pact_copy / "items" / "trade.yaml"
    for n in range(3):
        trade.write_text(trade.read_text() + f"# edit {n}\n")
        assert run("--facts-dir", pact_copy, "brief", "-f", "md").exit_code == 0
    assert len(list((tmp_path / "briefgen").glob("*.pickle"))) == 1


@pytest.fixture(scope="module")
def generated_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated base of 2,000 facts (bench/generate.py)."""
    root = Path(__file__).resolve().parents[1]
    target = tmp_path_factory.mktemp("big") / "facts"
    subprocess.run(
        [sys.executable, root / "bench" / "generate.py", "--facts", "2000", target],
        check=True,
        capture_output=True,
    )
    return target


# -- what -o names may not be a file: standard output, a device, a named pipe ----------------


def test_a_named_pipe_is_written_to_not_replaced(run, pact, tmp_path):
    fifo = tmp_path / "brief.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # there: briefgen's open does not wait
    try:
        result = run("--facts-dir", pact, "brief", "-f", "md", "-o", fifo)
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert (result.exit_code, result.stderr) == (0, "")
    assert received.decode().startswith("# The Northland–Eastland pact\n")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.fifo"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making device nodes needs root")
@pytest.mark.parametrize(
    ("device", "code", "error"),
    [
        ((1, 3), 0, ""),  # what /dev/null is
        ((1, 7), 1, "No space left on device"),  # what /dev/full is
    ],
    ids=["null", "full"],
)
def test_a_device_is_written_to_not_replaced(run, pact, tmp_path, device, code, error):
    node = tmp_path / "device"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(*device))
    result = run("--facts-dir", pact, "brief", "-f", "md", "-o", node)
    assert result.exit_code == code
    assert result.stderr == (f"briefgen: error: cannot write {node}: {error}\n" if error else "")
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert os.major(node.lstat().st_rdev) == device[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["device"]


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1"])
def test_dev_stdout_is_standard_output(pact, name):
    before = os.lstat(name)
    code, out, err = finish(briefgen("--facts-dir", pact, "brief", "-f", "md", "-o", name))
    assert (code, err) == (0, "")
    assert out.startswith("# The Northland–Eastland pact\n")
    after = os.lstat(name)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_a_link_is_written_through(run, pact, tmp_path):
    target = tmp_path / "briefs" / "brief.md"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    result = run("--facts-dir", pact, "brief", "-f", "md", "-o", link)
    assert result.exit_code == 0
    assert link.is_symlink()
    assert target.read_text().startswith("# The Northland–Eastland pact\n")


# -- interrupted runs: Ctrl-C and SIGTERM leave nothing behind ---------------------------------


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"]
)
def test_an_interrupted_pdf_leaves_no_temporary_files(pact_copy, tmp_path, sig, code):
    # Enough facts for the layout to take a while (several pages).
    (pact_copy / "items" / "many.yaml").write_text(
        "".join(
            f"- id: many-{n}\n  kind: event\n  themes: [trade]\n"
            f"  text: {{en: Fact number {n} of a long brief., fr: Fait numéro {n}.}}\n"
            f"  sources: [{{ref: anon-news}}]\n"
            for n in range(300)
        )
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    output = tmp_path / "out" / "brief.pdf"
    output.parent.mkdir()
    process = briefgen(
        "--facts-dir",
        pact_copy,
        "brief",
        "--pages",
        "0",
        "-o",
        output,
        env={"TMPDIR": str(temporary)},
    )
    # WeasyPrint makes a directory for the fonts when it lays the page out: interrupt it then.
    deadline = time.monotonic() + 60
    while not list(temporary.rglob("weasyprint-*")):
        assert process.poll() is None, "the PDF was made before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(sig)
    returncode, out, err = finish(process)
    assert (returncode, out, err) == (code, "", "")
    assert list(temporary.iterdir()) == []
    assert list(output.parent.iterdir()) == []


class _Planted:
    """A pickle that makes a directory when it is loaded: what an attacker would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_cache_directory_swapped_for_a_link_is_not_read(run, pact, tmp_path, monkeypatch):
    import pickle

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = run("--facts-dir", pact, "brief", "-f", "md")
    folder = tmp_path / "cache" / "briefgen"
    (entry,) = folder.glob("*.pickle")
    held = sorted(p.name for p in folder.iterdir())  # the base, and the fitting's choice
    # Someone who can write to the parent directory swaps the cache directory for a
    # link to one of their own (private, as briefgen checks), holding a planted entry.
    elsewhere = tmp_path / "elsewhere"
    folder.rename(elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    marker = tmp_path / "the planted pickle ran"
    (elsewhere / entry.name).write_bytes(pickle.dumps(_Planted(marker)))
    again = run("--facts-dir", pact, "brief", "-f", "md")
    assert (again.exit_code, again.stdout) == (0, first.stdout)
    assert not marker.exists()
    assert sorted(p.name for p in elsewhere.iterdir()) == held  # nothing written there either
