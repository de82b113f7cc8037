"""``validate`` and ``verify``: is the fact base sound, and are its quotes in its sources?"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.commands.options import Command, Settings, echo, pass_settings
from briefgen.errors import ExitCode, UsageError, printable

if TYPE_CHECKING:
    from briefgen.model import FactBase


@click.command(cls=Command)
@pass_settings
def validate(settings: Settings) -> None:
    """Check the fact base; list every problem as file:line: id: message (exit 3 if any)."""
    from briefgen.cite import short_title_warnings
    from briefgen.errors import InvalidFactBase

    try:
        base = settings.load()
    except InvalidFactBase as exc:
        echo("".join(f"{printable(str(problem))}\n" for problem in exc.problems))
        count = len(exc.problems)
        settings.info(f"{count} problem{'s' if count != 1 else ''} found")
        sys.exit(ExitCode.INVALID)
    for warning in short_title_warnings(base):
        settings.info(f"warning: {printable(warning)}")
    settings.info(
        f"{base.path}: {len(base.facts)} facts, {len(base.themes)} themes, "
        f"{len(base.sources)} sources: no problems"
    )


@click.command(cls=Command)
@click.option(
    "--texts",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory holding the local copies named by the sources' 'text' field "
    "[default: the base's texts/ directory].",
)
@pass_settings
def verify(settings: Settings, texts: Path | None) -> None:
    """Check every quote against the local text of its source, and every figure's
    numbers against its quote (exit 3 on any failure).

    Also warns, without failing, when a quoted sentence hedges (a conditional,
    "according to", "reportedly"...) and a text of the fact carries no hedge, and when
    a fact's text uses a likelihood term its credibility contradicts ("almost
    certainly" in a fact graded 4, doubtful).
    """
    from briefgen.store import texts_directory
    from briefgen.verify import verify_quotes

    base = settings.load()
    if texts is None:
        texts = texts_directory(Path(base.path))
        if texts is None:
            where = Path(base.path) / "texts"
            raise UsageError(f"give --texts DIR: the base has no texts/ directory ({where})")
    report = verify_quotes(base, texts)
    echo("".join(f"{printable(str(failure))}\n" for failure in report.failures))
    for source_id in report.missing_texts:
        settings.info(f"warning: {source_id}: text file not found in {texts}")
    for warning in report.hedges:
        settings.info(f"warning: {warning}")
    overclaims = _overclaimed(settings, base)
    failures, hedges = len(report.failures), len(report.hedges)
    settings.info(
        f"{report.quotes} quotes in {report.texts} texts checked: "
        f"{failures or 'no'} failure{'s' if failures != 1 else ''}, "
        f"{hedges or 'no'} hedge warning{'s' if hedges != 1 else ''}"
        + (
            f", {overclaims} likelihood warning{'s' if overclaims != 1 else ''}"
            if overclaims
            else ""
        )
    )
    if report.failures:
        sys.exit(ExitCode.INVALID)


def _overclaimed(settings: Settings, base: FactBase) -> int:
    """Warn of each fact whose text claims a likelihood its grade does not bear; how many."""
    from briefgen.verify import overclaimed_terms

    warnings = overclaimed_terms(base)
    for warning in warnings:
        settings.info(f"warning: {printable(warning)}")
    return len(warnings)
