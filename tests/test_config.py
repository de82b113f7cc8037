"""Configuration files, profiles and their precedence: file < environment < command line."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def workdir(tmp_path, monkeypatch, pact):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text(
        f'facts-dir = "{pact}"\n'
        'lang = "fr"\n'
        'theme = ["trade"]\n'
        "\n"
        "[profile.morning]\n"
        'format = "json"\n'
        'new-since = "2025-02"\n'
    )
    return tmp_path


def settings(run, *args):
    result = run(*args, "config", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {s["key"]: (s["value"], s["origin"]) for s in json.loads(result.stdout)["settings"]}


def test_config_file_sets_brief_defaults(run, workdir):
    md = run("brief", "-f", "md").stdout
    assert md.startswith("# Le pacte Nordland–Estland\n")
    assert "Thèmes : Commerce et sanctions ·" in md


def test_environment_beats_file_and_flag_beats_environment(run, workdir, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_BRIEF_LANG", "en")
    assert "Themes: Trade and sanctions" in run("brief", "-f", "md").stdout
    assert settings(run)["lang"] == ("en", "env BRIEFGEN_BRIEF_LANG")
    assert "Thèmes : Commerce" in run("brief", "-f", "md", "--lang", "fr").stdout


def test_profile_adds_to_the_plain_settings(run, workdir):
    result = run("--profile", "morning", "brief")
    data = json.loads(result.stdout)
    assert data["lang"] == "fr"
    shown_facts = [i["fact"] for i in data["key_points"]] + [
        i["fact"] for s in data["sections"] for i in s["items"]
    ]
    assert shown_facts == ["sanctions-evaded"]  # the only trade fact added since February
    shown = settings(run, "--profile", "morning")
    assert shown["new-since"] == ("2025-02", "briefgen.toml:7 [profile.morning]")
    assert shown["theme"] == (["trade"], "briefgen.toml:3")
    assert shown["style"][1] == "default"


def test_local_file_beats_user_file(run, workdir, monkeypatch, tmp_path_factory):
    home = tmp_path_factory.mktemp("xdg")
    (home / "briefgen").mkdir()
    (home / "briefgen" / "config.toml").write_text('lang = "en"\nauthor = "Desk A"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    shown = settings(run)
    assert shown["lang"] == ("fr", "briefgen.toml:2")
    assert shown["author"] == ("Desk A", f"{home}/briefgen/config.toml:2")


def test_relative_facts_dir_is_relative_to_the_config_file(run, tmp_path, monkeypatch, pact):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "briefgen.toml").write_text('facts-dir = "base"\n')
    import shutil

    shutil.copytree(pact, tmp_path / "project" / "base")
    monkeypatch.chdir(tmp_path / "project")
    assert run("themes").exit_code == 0
    assert settings(run)["facts-dir"] == ("base", "briefgen.toml:1")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('lnag = "fr"\n', "briefgen.toml:1: lnag: unknown key (did you mean 'lang'?)"),
        (
            'lang = "fr"\nkey-points = "many"\n',
            "briefgen.toml:2: key-points: Invalid value for '--key-points'",
        ),
        ('lang = "fr\n', "briefgen.toml:1: invalid TOML:"),
        (
            "[profile.a]\nno-grades = 3\n",
            "briefgen.toml:2 [profile.a]"
            if False
            else "briefgen.toml:2: no-grades: must be true or false",
        ),
    ],
)
def test_bad_configuration_is_a_usage_error_naming_file_line_and_key(
    run, tmp_path, monkeypatch, content, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text(content)
    result = run("--profile", "a", "themes") if "profile.a" in content else run("themes")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"briefgen: error: {message}")
    assert result.stderr.count("\n") == 1


def test_unknown_profile(run, workdir):
    result = run("--profile", "evening", "brief")
    assert result.exit_code == 2
    assert result.stderr == "briefgen: error: unknown profile 'evening' (profiles: morning)\n"
