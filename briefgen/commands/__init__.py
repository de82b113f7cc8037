"""The commands of ``briefgen``, one module each (a few small listings share one).

Each module holds click commands only: it parses options, calls the library
and prints. :mod:`briefgen.cli` gathers them into the ``briefgen`` group.
Options shared by several commands, and the settings every command is given,
live in :mod:`briefgen.commands.options`.
"""
