"""Writing files and the base: one writer at a time, no link followed that the user did
not name, modes kept, CRLF kept, every input read with a limit (docs/safety.md)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from briefgen import safe_yaml

ROOT_WITHOUT_OVERRIDES = (
    # Root ignores file modes: as root, drop the capabilities that let it, so that a
    # 0444 file is as read-only to briefgen as it is to any user.
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    if os.geteuid() == 0 and shutil.which("setpriv")
    else []
)


def briefgen(*args: object, input: str | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [*ROOT_WITHOUT_OVERRIDES, sys.executable, "-m", "briefgen", *map(str, args)],
        capture_output=True,
        text=True,
        input=input,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def statement(base: Path, fact_id: str, file: str = "trade.yaml") -> list[str]:
    return [
        "--facts-dir",
        str(base),
        "add",
        "--kind",
        "statement",
        "-t",
        "trade",
        "--source",
        "anon-news",
        "--credibility",
        "3",
        "--text",
        f"en=Statement {fact_id}.",
        "--text",
        f"fr=Déclaration {fact_id}.",
        "--id",
        fact_id,
        "--file",
        str(base / "items" / file),
    ]


def at_once(*commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run the briefgen ``commands`` at the same moment, each in a process of its own."""
    results: list[subprocess.CompletedProcess[str] | None] = [None] * len(commands)
    start = threading.Barrier(len(commands))

    def one(index: int) -> None:
        start.wait()
        results[index] = briefgen(*commands[index])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def fact_ids(base: Path) -> list[str]:
    return [
        item["id"]
        for path in sorted((base / "items").glob("*.yaml"))
        for item in safe_yaml.parse(path.read_text(encoding="utf-8")).data or []
    ]


# -- one writer at a time ---------------------------------------------------------------


def _concurrent_adds(base: Path, rounds: int) -> None:
    for n in range(rounds):
        ids = [f"round-{n}-a", f"round-{n}-b"]
        first, second = at_once(*(statement(base, i) for i in ids))
        for result, fact_id in zip((first, second), ids, strict=True):
            assert result.returncode == 0, result.stderr
            assert result.stdout == f"{fact_id}\n"
            assert f"added {fact_id} to " in result.stderr
        found = fact_ids(base)
        assert all(found.count(i) == 1 for i in ids), (n, found)
    assert briefgen("--facts-dir", base, "validate").returncode == 0


def test_twenty_rounds_of_two_adds_at_once_lose_nothing(pact_copy):
    _concurrent_adds(pact_copy, rounds=20)


def test_two_adds_of_one_id_into_two_files_one_wins(pact_copy):
    for n in range(3):
        fact_id = f"same-{n}"
        results = at_once(
            statement(pact_copy, fact_id, "trade.yaml"),
            statement(pact_copy, fact_id, "security.yaml"),
        )
        codes = sorted(r.returncode for r in results)
        assert codes == [0, 3], [r.stderr for r in results]
        won = next(r for r in results if r.returncode == 0)
        lost = next(r for r in results if r.returncode == 3)
        assert won.stdout == f"{fact_id}\n" and f"added {fact_id}" in won.stderr
        assert lost.stdout == "" and "duplicate id" in lost.stderr
        assert "nothing written" in lost.stderr
        assert fact_ids(pact_copy).count(fact_id) == 1
    assert briefgen("--facts-dir", pact_copy, "validate").returncode == 0


def _csl(tmp_path: Path, source_id: str) -> Path:
    path = tmp_path / f"{source_id}.json"
    entry = {"id": source_id, "type": "report", "title": f"Report {source_id}"}
    path.write_text(json.dumps([entry]), encoding="utf-8")
    return path


def _concurrent_imports(base: Path, tmp_path: Path, rounds: int) -> None:
    for n in range(rounds):
        ids = [f"import-{n}-a", f"import-{n}-b"]
        results = at_once(
            *(["--facts-dir", str(base), "sources", "import", str(_csl(tmp_path, i))] for i in ids)
        )
        for result, source_id in zip(results, ids, strict=True):
            assert result.returncode == 0, result.stderr
            assert result.stdout == f"{source_id}\n"
            assert "added 1 source to " in result.stderr
    sources = safe_yaml.parse((base / "sources.yaml").read_text(encoding="utf-8")).data
    found = [s["id"] for s in sources]
    assert all(found.count(f"import-{n}-{x}") == 1 for n in range(rounds) for x in "ab")
    assert briefgen("--facts-dir", base, "validate").returncode == 0


def test_ten_rounds_of_two_imports_at_once_lose_nothing(pact_copy, tmp_path):
    _concurrent_imports(pact_copy, tmp_path, rounds=10)


def test_a_writer_holding_the_lock_too_long_is_one_line_and_exit_1(pact_copy):
    import fcntl

    before = (pact_copy / "items" / "trade.yaml").read_bytes()
    with open(pact_copy / ".briefgen.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.monotonic()
        result = briefgen(*statement(pact_copy, "late"), env={"BRIEFGEN_LOCK_TIMEOUT": "0.5"})
        waited = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"briefgen: error: {pact_copy} is being written by another briefgen: its lock "
        f"{pact_copy}/.briefgen.lock was held for over 0.5 s; nothing written, try again"
    ]
    assert 0.5 <= waited < 10
    assert (pact_copy / "items" / "trade.yaml").read_bytes() == before
    # Once the holder is gone, even after kill -9 (the file stays, no lock), it goes through.
    result = briefgen(*statement(pact_copy, "late"))
    assert result.returncode == 0, result.stderr
    assert not (pact_copy / ".briefgen.lock").exists()


# -- links at an output path ------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, pact: Path) -> Path:
    """A cloned project: a copy of the pact base and a briefgen.toml writing out/brief.md."""
    root = tmp_path / "project"
    shutil.copytree(pact, root / "facts")
    (root / "out").mkdir()
    (root / "briefgen.toml").write_text(
        'facts-dir = "facts"\n\n[[brief]]\nname = "b"\noutput = "out/brief.md"\n',
        encoding="utf-8",
    )
    return root


def test_build_refuses_a_link_to_a_file_outside_the_project(project, tmp_path):
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH\n")
    (project / "out" / "brief.md").symlink_to("../../bashrc")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "briefgen.toml:3: brief 'b': output out/brief.md is a symbolic link" in result.stderr
    assert victim.read_text() == "export PATH\n"
    assert (project / "out" / "brief.md").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bashrc", "project"]


def test_build_refuses_a_link_to_a_device_or_a_pipe(project, tmp_path):
    # /dev/full stands for a disk: written to, it would fail with exit 1, not be refused.
    (project / "out" / "brief.md").symlink_to("/dev/full")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "output out/brief.md is a symbolic link" in result.stderr
    # A named pipe outside the project: a write would wait for a reader (the timeout).
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    (project / "out" / "brief.md").unlink()
    (project / "out" / "brief.md").symlink_to(pipe)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "project"]


def test_the_write_itself_refuses_a_link_put_in_after_the_check(pact, tmp_path):
    from briefgen.errors import OutputError
    from briefgen.output import write_atomic

    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "brief.md").symlink_to(victim)
    with pytest.raises(OutputError, match="it is a symbolic link"):
        write_atomic(tmp_path / "out" / "brief.md", "planted")
    # Nor into a directory that has become a link out of the project.
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "out").symlink_to(tmp_path / "out")
    with pytest.raises(OutputError, match="lies outside"):
        write_atomic(tmp_path / "project" / "out" / "new.md", "x", within=tmp_path / "project")
    assert victim.read_text() == "mine\n"
    assert not (tmp_path / "out" / "new.md").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a link to another user needs root")
def test_o_refuses_a_link_that_belongs_to_another_user(run, pact, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    planted = tmp_path / "report.md"
    planted.symlink_to(victim)
    os.lchown(planted, 65534, 65534)
    result = run("--facts-dir", pact, "brief", "-f", "md", "-o", planted)
    assert result.exit_code == 1
    assert result.stderr == (
        f"briefgen: error: cannot write {planted}: a symbolic link that belongs to another user\n"
    )
    assert victim.read_text() == "mine\n"


def test_a_link_set_in_a_configuration_is_not_followed(pact, tmp_path):
    # Only a path typed on the command line may be a link: briefgen.toml's output may not.
    target = tmp_path / "target.md"
    target.write_text("old\n")
    (tmp_path / "latest.md").symlink_to(target)
    (tmp_path / "briefgen.toml").write_text('output = "latest.md"\nformat = "md"\n')
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--facts-dir", str(pact), "brief"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "BRIEFGEN_TRUSTED_DIRECTORIES": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 1
    assert "cannot write latest.md: it is a symbolic link" in result.stderr
    assert target.read_text() == "old\n"


# -- modes, owners, read-only files -----------------------------------------------------


@pytest.mark.skipif(
    os.geteuid() == 0 and not ROOT_WITHOUT_OVERRIDES, reason="root ignores file modes"
)
def test_a_read_only_file_is_refused_as_the_shell_refuses_it(pact_copy, tmp_path):
    output = tmp_path / "brief.md"
    output.write_text("keep\n")
    output.chmod(0o444)
    result = briefgen("--facts-dir", pact_copy, "brief", "-f", "md", "-o", output)
    assert result.returncode == 1
    assert result.stderr == f"briefgen: error: cannot write {output}: Permission denied\n"
    assert output.read_text() == "keep\n"
    items = pact_copy / "items" / "trade.yaml"
    items.chmod(0o444)
    before = items.read_bytes()
    result = briefgen(*statement(pact_copy, "read-only"))
    assert result.returncode == 1
    assert result.stderr.endswith(f"cannot write {items}: Permission denied\n")
    assert items.read_bytes() == before


def test_a_replaced_file_keeps_its_mode_and_its_group(run, pact, pact_copy, tmp_path):
    output = tmp_path / "brief.md"
    output.write_text("old\n")
    output.chmod(0o640)
    assert run("--facts-dir", pact, "brief", "-f", "md", "-o", output).exit_code == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    items = pact_copy / "items" / "trade.yaml"
    items.chmod(0o600)
    result = run(*statement(pact_copy, "kept-mode"))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(items.stat().st_mode) == 0o600


@pytest.mark.skipif(
    os.geteuid() == 0 and not ROOT_WITHOUT_OVERRIDES, reason="root ignores file modes"
)
def test_a_writable_file_in_a_read_only_directory_is_written_in_place(pact, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    output = folder / "brief.md"
    output.write_text("STALE STALE STALE STALE STALE STALE STALE STALE STALE STALE\n" * 100)
    folder.chmod(0o555)
    try:
        result = briefgen("--facts-dir", pact, "brief", "-f", "md", "-o", output)
        assert result.returncode == 0, result.stderr
        assert output.read_text().startswith("# The Northland–Eastland pact\n")
        assert "STALE" not in output.read_text()
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(os.geteuid() != 0, reason="a file of another user's needs root to make")
def test_a_file_of_another_user_is_given_back_to_them(run, pact, tmp_path):
    output = tmp_path / "brief.md"
    output.write_text("old\n")
    os.chown(output, 65534, 65534)
    assert run("--facts-dir", pact, "brief", "-f", "md", "-o", output).exit_code == 0
    assert (output.stat().st_uid, output.stat().st_gid) == (65534, 65534)


def test_extended_attributes_are_kept(run, pact, tmp_path):
    output = tmp_path / "brief.md"
    output.write_text("old\n")
    try:
        os.setxattr(output, "user.briefgen.origin", b"kept")
    except OSError as exc:
        pytest.skip(f"no user extended attributes here: {exc.strerror}")
    assert run("--facts-dir", pact, "brief", "-f", "md", "-o", output).exit_code == 0
    assert output.read_text(encoding="utf-8").startswith("# The Northland")
    assert os.getxattr(output, "user.briefgen.origin") == b"kept"


def test_a_hard_link_is_replaced_at_its_name_only(run, pact, tmp_path):
    # The documented choice: atomic, as git and sed -i; the other name keeps the old text.
    output = tmp_path / "brief.md"
    output.write_text("old\n")
    other = tmp_path / "other-name.md"
    os.link(output, other)
    assert run("--facts-dir", pact, "brief", "-f", "md", "-o", output).exit_code == 0
    assert output.read_text(encoding="utf-8").startswith("# The Northland")
    assert other.read_text() == "old\n"


# -- what add and import append ---------------------------------------------------------


def test_add_and_import_keep_a_crlf_file_crlf(run, pact_copy, tmp_path):
    items = pact_copy / "items" / "trade.yaml"
    before = items.read_bytes().replace(b"\n", b"\r\n")
    items.write_bytes(before)
    result = run(*statement(pact_copy, "crlf"))
    assert result.exit_code == 0, result.stderr
    after = items.read_bytes()
    assert after.startswith(before)  # the rest of the file byte for byte
    assert after[len(before) :].startswith(b"- id: crlf\r\n")
    assert b"\n" not in after.replace(b"\r\n", b"")
    sources = pact_copy / "sources.yaml"
    before = sources.read_bytes().replace(b"\n", b"\r\n")
    sources.write_bytes(before)
    result = run("--facts-dir", pact_copy, "sources", "import", _csl(tmp_path, "crlf-report"))
    assert result.exit_code == 0, result.stderr
    after = sources.read_bytes()
    assert after.startswith(before) and b"- id: crlf-report\r\n" in after
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0


def test_problems_of_a_document_and_of_an_import_are_escaped(run, pact_copy, tmp_path):
    document = tmp_path / "fact.json"
    hostile = "x\x1b]0;owned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07"
    document.write_text(
        json.dumps(
            {
                "id": hostile,
                "kind": "statement",
                "themes": ["trade"],
                "text": {"en": "A.", "fr": "A."},
                "sources": [{"ref": "anon-news"}],
                "credibility": 3,
            }
        )
    )
    result = run("--facts-dir", pact_copy, "add", "--from", document)
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "x\\x1b]0;owned\\x07" in result.stderr
    library = tmp_path / "library.json"
    library.write_text(json.dumps([{"id": "r", "type": "report", "title": hostile, "issued": 5}]))
    result = run("--facts-dir", pact_copy, "sources", "import", library)
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


@pytest.mark.parametrize("bad_id", ["../../etc/x", "nul\\0id", "a/b"])
def test_a_refused_draft_with_a_slash_or_nul_in_its_id_is_kept(
    run, pact_copy, tmp_path, monkeypatch, bad_id
):
    typed = tmp_path / "typed.yaml"
    typed.write_text(
        f'id: "{bad_id}"\nkind: statement\nthemes: [trade]\n'
        "text: {en: Typed with care., fr: Tapé avec soin.}\n"
        "sources: [{ref: anon-news}]\ncredibility: 3\n",
        encoding="utf-8",
    )
    editor = tmp_path / "write.py"
    editor.write_text(
        f"import pathlib, sys\npathlib.Path(sys.argv[1]).write_bytes(pathlib.Path({str(typed)!r}).read_bytes())\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    result = run("--facts-dir", pact_copy, "add", "--edit")
    assert result.exit_code == 3, result.stderr
    assert "internal error" not in result.stderr
    match = re.search(r"the fact is kept in (\S+): ", result.stderr)
    assert match, result.stderr
    kept = Path(match[1])
    assert kept.parent == Path(tempfile.gettempdir())
    assert "Typed with care." in kept.read_text(encoding="utf-8")
    kept.unlink()


def test_judgments_added_at_once_all_land_and_crlf_stays(fixtures, tmp_path):
    base = shutil.copytree(fixtures / "judged", tmp_path / "facts")
    path = base / "judgments.yaml"
    before = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(before)

    def command(name: str) -> list[str]:
        document = tmp_path / f"{name}.yaml"
        document.write_text(
            f"id: {name}\nthemes: [response]\n"
            f"text: {{en: Judgment {name} will likely hold., fr: Il est probable que le jugement {name} tienne.}}\n"
            "likelihood: likely\nconfidence: moderate\nbasis: [alert-raised]\n",
            encoding="utf-8",
        )
        return ["--facts-dir", str(base), "add", "--judgment", "--from", str(document)]

    ids = [f"judgment-{n}-{x}" for n in range(3) for x in "ab"]
    for n in range(3):
        results = at_once(command(ids[2 * n]), command(ids[2 * n + 1]))
        assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    after = path.read_bytes()
    assert after.startswith(before)
    assert all(after.count(f"- id: {i}\r\n".encode()) == 1 for i in ids)
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert briefgen("--facts-dir", base, "validate").returncode == 0
