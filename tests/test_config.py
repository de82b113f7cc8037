"""Configuration files, profiles and their precedence: file < environment < command line."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def workdir(tmp_path, monkeypatch, pact):
    """A working directory whose briefgen.toml names a fact base elsewhere: trusted."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFGEN_TRUSTED_DIRECTORIES", str(tmp_path))
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
    # A brief of one theme is titled by it; the base's title opens the byline.
    assert md.startswith("# Commerce et sanctions\n")
    assert "\nLe pacte Nordland–Estland · " in md


def test_environment_beats_file_and_flag_beats_environment(run, workdir, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_BRIEF_LANG", "en")
    assert run("brief", "-f", "md").stdout.startswith("# Trade and sanctions\n")
    assert settings(run)["lang"] == ("en", "env BRIEFGEN_BRIEF_LANG")
    assert run("brief", "-f", "md", "--lang", "fr").stdout.startswith("# Commerce et sanctions\n")


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


# -- a briefgen.toml that came with a directory (a clone, an archive) is not trusted -----------


@pytest.fixture
def clone(tmp_path, monkeypatch, pact):
    """A cloned repository with a fact base and templates, as the working directory."""
    import shutil

    repo = tmp_path / "clone"
    shutil.copytree(pact, repo / "facts")
    (repo / "templates").mkdir()
    (repo / "templates" / "brief.html.j2").write_text("echo owned\n")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return repo


def test_an_untrusted_briefgen_toml_cannot_overwrite_a_file(run, clone, tmp_path):
    bashrc = tmp_path / "home" / ".bashrc"
    bashrc.write_text("# the user's own\n")
    (clone / "briefgen.toml").write_text(
        'output = "~/.bashrc"\nformat = "html"\ntemplate = "templates"\nquiet = true\n'
    )
    result = run("brief")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(
        "briefgen: error: briefgen.toml:1: output: a briefgen.toml cannot set where output "
        f"is written unless its directory is trusted: add '{clone}' to trusted-directories in "
    )
    assert result.stderr.count("\n") == 1
    assert bashrc.read_text() == "# the user's own\n"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('template = "templates"', "template: a briefgen.toml cannot load templates"),
        ('facts-dir = "../elsewhere"', "facts-dir: a briefgen.toml cannot name a fact directory"),
        ("[profile.p]\noutput = 'x.md'", "output: a briefgen.toml cannot set where output"),
        ('changed-since = "/"', "changed-since: a briefgen.toml cannot name a fact directory"),
        ('trusted-directories = ["*"]', "trusted-directories: may only be set in "),
    ],
)
def test_what_an_untrusted_briefgen_toml_may_not_set(run, clone, tmp_path, setting, message):
    (tmp_path / "elsewhere").mkdir()
    (clone / "briefgen.toml").write_text(setting + "\n")
    result = run("--profile", "p", "themes") if "profile" in setting else run("themes")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"briefgen: error: briefgen.toml:{setting.count(chr(10)) + 1}: {message}"
    )


def test_an_untrusted_briefgen_toml_sets_the_rest_and_says_so(run, clone):
    (clone / "briefgen.toml").write_text(
        'lang = "fr"\nfacts-dir = "facts"\noutput = "-"\nquiet = true\n'
    )
    result = run("brief", "-f", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Le pacte Nordland–Estland\n")
    # the file itself cannot silence the notice; the user can
    assert result.stderr == (
        "briefgen: using settings from briefgen.toml (not a trusted directory: it may not set "
        "output, template or a fact directory outside it; see 'briefgen config --help')\n"
    )
    assert run("--quiet", "brief", "-f", "md").stderr == ""


@pytest.mark.parametrize("how", ["user file", "user file, every directory", "environment"])
def test_a_trusted_directory_may_set_everything(run, clone, monkeypatch, how):
    config = user_config(monkeypatch)
    if how == "user file":
        config.write_text(f"trusted-directories = [{str(clone)!r}]\n")
    elif how == "user file, every directory":
        config.write_text('trusted-directories = ["*"]\n')
    else:
        monkeypatch.setenv("BRIEFGEN_TRUSTED_DIRECTORIES", f"/nowhere:{clone}")
    (clone / "briefgen.toml").write_text('output = "out/brief.md"\nquiet = true\n')
    (clone / "out").mkdir()
    result = run("brief")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (clone / "out" / "brief.md").read_text().startswith("# The Northland–Eastland pact\n")
    assert run("themes").stderr == ""  # quiet = true, from a trusted file, silences the notice


def user_config(monkeypatch):
    """The user's own configuration file (not yet written)."""
    import os
    from pathlib import Path

    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "briefgen"  # private to each test
    folder.mkdir(exist_ok=True)
    return folder / "config.toml"


@pytest.mark.parametrize("where", ["briefgen.toml", "user file"])
def test_control_characters_in_configured_text_are_refused(run, clone, monkeypatch, where):
    setting = 'marking = "\\u001b]0;owned\\u0007"\n'
    if where == "user file":
        path = user_config(monkeypatch)
        path.write_text(setting)
    else:
        path = clone / "briefgen.toml"
        path.write_text(setting)
    result = run("themes")
    assert result.exit_code == 2
    assert result.stderr.endswith(":1: marking: character U+001B is not allowed\n")
    assert "\x1b" not in result.stderr
