"""The ``briefgen`` command line: the group, its global options, and the one place
errors end a run.

Each command lives in its own module under :mod:`briefgen.commands`. Only
click is imported at start-up; each command imports what it needs, so
``briefgen --help`` stays fast. Errors are turned into one line on stderr and
an exit code in one place, :class:`BriefgenGroup`.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from briefgen.commands.options import Group, Settings
from briefgen.errors import BriefgenError, ExitCode, StreamClosed, printable
from briefgen.version import __version__

# Each command, by name: its module and the click command in it. A module is
# imported when its command is asked for, so that a run loads only its own.
COMMANDS = {
    "themes": "listings:themes",
    "facts": "listings:facts",
    "sources": "listings:sources",
    "brief": "brief:brief",
    "build": "build:build",
    "validate": "checks:validate",
    "verify": "checks:verify",
    "add": "add:add",
    "serve": "serve:serve",
    "schema": "tools:schema",
    "config": "tools:config_command",
    "completion": "tools:completion",
}


class BriefgenGroup(Group):
    """Turns :class:`BriefgenError` into one line on stderr and its exit code.

    Click's own errors (a bad option or value) are left to click, their
    message made printable first. Commands are loaded when asked for
    (:data:`COMMANDS`).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            from importlib import import_module

            module, name = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(import_module(f"briefgen.commands.{module}"), name))
        return self.commands.get(cmd_name)

    def load_command(self, name: str) -> click.Command:
        """The command called ``name`` (one of :data:`COMMANDS`)."""
        command = self.get_command(None, name)
        assert command is not None, name
        return command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except StreamClosed as exc:  # the help or the version, with standard output closed
            _fail(str(exc), ExitCode.ERROR)
        except OSError as exc:  # click writing the help or the version, before any command
            if exc.errno not in _STDOUT_ERRORS:
                raise
            _stdout_failed(exc)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise _printable_click_error(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            if _debug(ctx):
                raise
            if exc.exit_code == ExitCode.EMPTY and isinstance(ctx.obj, Settings) and ctx.obj.quiet:
                sys.exit(exc.exit_code)  # an expected outcome a script tests for, not an error
            _fail(exc.for_command_line(), exc.exit_code)
        except click.ClickException as exc:
            raise _printable_click_error(exc) from None
        except (click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            # Ctrl-C: what was being written has been removed on the way here.
            sys.exit(ExitCode.INTERRUPTED)
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _STDOUT_ERRORS:
                _stdout_failed(exc)
            if _debug(ctx):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                ExitCode.ERROR,
            )


# What writing to standard output can fail with: the reader went away; the disk is
# full. Every file briefgen writes reports its own errors, naming it, so only
# standard output (click writing help, or a version) lets one of these through.
_STDOUT_ERRORS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _stdout_failed(error: OSError) -> NoReturn:
    """End the run, standard output lost: quietly if its reader went away
    (``briefgen facts | head``), with one line otherwise. Exit status 1 either way."""
    from briefgen.output import discard_stdout

    discard_stdout()
    if isinstance(error, BrokenPipeError):
        sys.exit(ExitCode.ERROR)
    _fail(f"cannot write to standard output: {error.strerror or error}", ExitCode.ERROR)


def _printable_click_error(error: click.ClickException) -> click.ClickException:
    """``error`` with its message made printable: click's messages quote what was typed
    (escaped by ``repr`` in click 8.2 and later, written as is before)."""
    message = printable(error.format_message())
    if message == error.format_message():
        return error
    # Same exit status: 2 for every usage error, 1 for click's other errors.
    if isinstance(error, click.UsageError):
        return click.UsageError(message, error.ctx)
    return click.ClickException(message)


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Settings) and ctx.obj.debug


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"briefgen: error: {printable(message)}", err=True)
    sys.exit(code)


@click.group(
    cls=BriefgenGroup,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "BRIEFGEN"},
)
@click.version_option(
    __version__, "--version", prog_name="briefgen", message="%(prog)s %(version)s"
)
@click.option(
    "--facts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="BRIEFGEN_FACTS_DIR",
    help="Fact base directory [env: BRIEFGEN_FACTS_DIR; default: ./facts if present, "
    "else the shipped base].",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors.")
@click.option(
    "--profile",
    metavar="NAME",
    help="Use the [profile.NAME] settings of the configuration files (see 'briefgen config').",
)
@click.pass_context
def cli(
    ctx: click.Context, facts_dir: Path | None, debug: bool, quiet: bool, profile: str | None
) -> None:
    """Turn a curated, cited fact base into footnoted briefing notes.

    \b
    Examples:
      briefgen brief --theme military          one-page brief in the terminal
      briefgen brief -t economy -o brief.md    Markdown with footnotes
      briefgen facts --search kursk            find facts
      briefgen validate                        check the fact base

    Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 invalid fact base,
    4 nothing matched.
    """
    from briefgen.environment import Environment

    # The environment is read here, once: tests may hand in one of their own as the obj.
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment.from_os()
    settings = Settings(facts_dir=facts_dir, debug=debug, quiet=quiet, profile=profile, env=env)
    ctx.obj = settings
    from briefgen.config import load_settings

    configuration = load_settings(profile)
    settings.configured = configuration.settings
    settings.local_config = configuration.local
    from_user = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)
    if (
        ctx.get_parameter_source("facts_dir") not in from_user
        and "facts-dir" in settings.configured
    ):
        settings.facts_dir = Path(settings.configured["facts-dir"].value)
    # The notice that a working directory's file is in use can only be silenced by the
    # user: not by that file itself, unless its directory is trusted.
    silenced = settings.quiet
    if ctx.get_parameter_source("quiet") not in from_user and "quiet" in settings.configured:
        configured_quiet = settings.configured["quiet"]
        settings.quiet = configured_quiet.value
        silenced = configured_quiet.value and configured_quiet.trusted
    notice = configuration.notice()
    if notice is not None and not silenced:
        click.echo(printable(notice), err=True)
    # serve previews the brief that brief would make: the same settings apply.
    if ctx.invoked_subcommand in ("brief", "serve"):
        from briefgen.commands.options import default_map

        command = cli.load_command(ctx.invoked_subcommand)
        ctx.default_map = {ctx.invoked_subcommand: default_map(settings.configured, command)}


def main(prog_name: str | None = None) -> None:
    """Entry point of the ``briefgen`` console script."""
    import gc

    # One command, then the process ends. Its objects (the base, the brief, the
    # output) all live until then or are freed as soon as unused, and hold next to
    # no reference cycles: the cyclic garbage collector would only walk them again
    # and again, which doubled the time of a brief at 100,000 facts.
    gc.disable()
    # Pydantic looks for plugins (observability hooks) among the entry points
    # of every installed distribution when it first validates: a tenth of a
    # cold brief's time, for hooks a command-line run has no use for. A value
    # the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # A standard descriptor closed (`briefgen themes >&-`): one line and status 1 when it
    # is used, and no file opened later under its number.
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    if closed:
        from briefgen.output import guard_standard_streams

        guard_standard_streams(closed)
    import signal

    # SIGTERM ends the run as Ctrl-C does, through every clean-up on the way out
    # (temporary files, a half-written output), instead of killing it on the spot.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli(prog_name=prog_name or "briefgen")
    except SystemExit as done:
        _exit(done)


def _exit(done: SystemExit) -> NoReturn:
    """End the process with ``done``'s status, without freeing its objects one by one.

    The run is over: its files are closed and its output written. Python would
    now free every object the run made before the process ends, a second at
    100,000 facts and a fifth of a Markdown brief's time; the system takes the
    memory back at once. The exit functions still run and the standard
    streams are flushed; where anything is unusual (another thread still
    running, a status that is not a number, a stream that cannot be flushed),
    Python ends the process as usual.
    """
    import atexit
    import threading

    code = 0 if done.code is None else done.code
    if not isinstance(code, int) or threading.active_count() > 1:
        raise done
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        raise done from None
    os._exit(code)


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _terminated(signum: int, frame: object) -> NoReturn:
    raise SystemExit(ExitCode.TERMINATED)
