"""The command reference, made from the command line itself (run by cog).

``cog -r README.md docs/commands.md`` writes it again; a test checks that it
is current (tests/test_docs.py). Nothing here is imported by briefgen.
"""

from __future__ import annotations

import click

from briefgen.cli import cli

# The order a reader meets the commands in: reading the base, writing briefs,
# checking and adding, the rest.
ORDER = ("themes", "facts", "sources", "brief", "build", "validate", "verify", "add", "serve",
         "schema", "config", "completion")  # fmt: skip


def commands() -> list[tuple[str, click.Command]]:
    """Every command, subcommands too (``sources import``), in :data:`ORDER`."""
    listed = cli.list_commands(click.Context(cli))
    names = [n for n in ORDER if n in listed]
    names += sorted(n for n in listed if n not in ORDER)
    found: list[tuple[str, click.Command]] = []
    for name in names:
        command = cli.load_command(name)
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", command.commands[sub]) for sub in sorted(command.commands)]
    return found


def table() -> str:
    """The README's table: each command's usage and the first line of its help."""
    rows = ["| command | what it does |", "|---|---|"]
    for name, command in commands():
        usage = " ".join(command.collect_usage_pieces(click.Context(command, info_name=name)))
        usage = usage.replace("[OPTIONS]", "[options]").replace("|", "\\|")
        summary = command.get_short_help_str(limit=200).replace("|", "\\|")
        rows.append(f"| `{name} {usage}` | {summary} |")
    return "\n".join(rows) + "\n"


def helps() -> str:
    """docs/commands.md: ``briefgen --help`` and each command's, as the terminal prints them."""
    parts = [_help([], "briefgen")]
    for name, _ in commands():
        parts.append(_help([*name.split(), "--help"], f"briefgen {name}"))
    return "\n".join(parts)


def _help(args: list[str], title: str) -> str:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [*args] if args else ["--help"], prog_name="briefgen",
                                terminal_width=88)  # fmt: skip
    assert result.exit_code == 0, result.output
    return f"## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n"
