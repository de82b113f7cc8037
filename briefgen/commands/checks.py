"""``validate`` and ``verify``: is the fact base sound, and are its quotes in its sources?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.commands.options import Settings, echo, pass_settings
from briefgen.errors import ExitCode, printable


@click.command()
@pass_settings
def validate(settings: Settings) -> None:
    """Check the fact base; list every problem as file:line: id: message (exit 3 if any)."""
    from briefgen.errors import InvalidFactBase

    try:
        base = settings.load()
    except InvalidFactBase as exc:
        echo("".join(f"{printable(str(problem))}\n" for problem in exc.problems))
        count = len(exc.problems)
        settings.info(f"{count} problem{'s' if count != 1 else ''} found")
        sys.exit(ExitCode.INVALID)
    settings.info(
        f"{base.path}: {len(base.facts)} facts, {len(base.themes)} themes, "
        f"{len(base.sources)} sources: no problems"
    )


@click.command()
@click.option(
    "--texts",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory holding the local copies named by the sources' 'text' field.",
)
@pass_settings
def verify(settings: Settings, texts: Path) -> None:
    """Check every quote against the local text of its source, and every figure's
    numbers against its quote (exit 3 on any failure)."""
    from briefgen.verify import verify_quotes

    base = settings.load()
    report = verify_quotes(base, texts)
    echo("".join(f"{printable(str(failure))}\n" for failure in report.failures))
    for source_id in report.missing_texts:
        settings.info(f"warning: {source_id}: text file not found in {texts}")
    settings.info(
        f"{report.quotes} quotes in {report.texts} texts checked: "
        f"{len(report.failures) or 'no'} failure{'s' if len(report.failures) != 1 else ''}"
    )
    if report.failures:
        sys.exit(ExitCode.INVALID)
