"""``schema``, ``config`` and ``completion``: what editors, users and shells need to know."""

from __future__ import annotations

import click

from briefgen.commands.options import Command, Settings, echo, format_option, pass_settings
from briefgen.schema import SCHEMAS


@click.command(cls=Command)
@click.argument("name", type=click.Choice(SCHEMAS), required=False)
# The option of earlier releases, which named no file: kept, with a warning, for one release.
@click.option("--output", "old_name", type=click.Choice(SCHEMAS), hidden=True)
def schema(name: str | None, old_name: str | None) -> None:
    """Print the JSON Schema NAME: of a file of the base (facts, themes, sources,
    measures, judgments, base: for editors) or of a JSON output (brief, facts-json: for
    scripts). Default: facts."""
    from briefgen.jsontext import dumps
    from briefgen.schema import json_schema

    if old_name is not None:
        click.echo(
            f"briefgen: warning: 'schema --output {old_name}' is deprecated and will go in the "
            f"next release; use 'schema {old_name}'",
            err=True,
        )
        if name is not None and name != old_name:
            raise click.UsageError("give the schema's name once")
    echo(dumps(json_schema(name or old_name or "facts")))


@click.command("config", cls=Command)
@format_option("table", "json")
@pass_settings
def config_command(settings: Settings, fmt: str) -> None:
    """Show the effective settings of 'briefgen brief' and where each comes from.

    \b
    Settings are read from, later ones winning:
      $XDG_CONFIG_HOME/briefgen/config.toml   (~/.config/briefgen/config.toml)
      ./briefgen.toml
      their [profile.NAME] tables, with --profile NAME
      environment variables (BRIEFGEN_FACTS_DIR, BRIEFGEN_BRIEF_LANG, ...)
      the command line

    \b
    A briefgen.toml comes with its directory (a clone, an archive): unless
    the directory is trusted, it may not set output or template, nor a
    facts-dir or changed-since directory outside its own. Trust directories
    in your own file, or in the environment (separated by ':'):
      trusted-directories = ["~/briefs", "/srv/reports"]   ("*": every one)
      BRIEFGEN_TRUSTED_DIRECTORIES=~/briefs:/srv/reports
    """
    from briefgen.cli import cli
    from briefgen.commands.options import effective_settings
    from briefgen.config import Setting
    from briefgen.renderers.settings import render_settings
    from briefgen.store import default_facts_dir

    rows = effective_settings(cli, cli.load_command("brief"), settings.configured)
    rows = [
        Setting(r.key, str(default_facts_dir()), r.origin)
        if r.key == "facts-dir" and r.origin == "default"
        else r
        for r in rows
    ]
    echo(render_settings(rows, fmt))


@click.command(cls=Command)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, theme and source ids).

    \b
    bash:  eval "$(briefgen completion bash)"     (in ~/.bashrc)
    zsh:   eval "$(briefgen completion zsh)"      (in ~/.zshrc)
    fish:  briefgen completion fish > ~/.config/fish/completions/briefgen.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None
    group = ctx.find_root().command
    echo(completer(group, {}, "briefgen", "_BRIEFGEN_COMPLETE").source())
