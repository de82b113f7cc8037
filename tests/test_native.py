"""Start-up: WeasyPrint finds its native libraries with one process, and only a PDF imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

# Imports WeasyPrint in a fresh interpreter, counting the processes it starts,
# and prints their names, whether find_library is ctypes' own again, and
# whether the module typesets.
IMPORT_PROBE = """
import subprocess, sys
started = []
popen_init = subprocess.Popen.__init__
def counting(self, args, *rest, **options):
    started.append(args[0])
    popen_init(self, args, *rest, **options)
subprocess.Popen.__init__ = counting
from briefgen.renderers import native
SETUP
weasyprint = native.import_weasyprint()
import ctypes.util
pdf = weasyprint.HTML(string="<p>x</p>").write_pdf()
print(started, ctypes.util.find_library.__module__, pdf.startswith(b"%PDF-"))
"""


def probe_import(setup: str = "") -> str:
    script = IMPORT_PROBE.replace("SETUP", setup)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads ldconfig")


@linux_only
def test_weasyprint_finds_its_libraries_with_one_process() -> None:
    assert probe_import() == "['/sbin/ldconfig'] ctypes.util True"


@linux_only
def test_libraries_the_linker_cache_does_not_list_are_still_loaded() -> None:
    assert probe_import("native._linker_cache = lambda: ''") == "[] ctypes.util True"


@linux_only
def test_without_ldconfig_ctypes_searches_as_usual() -> None:
    output = probe_import("native.LDCONFIG = '/nonexistent'")
    started, rest = output.split("] ")
    assert len(ast.literal_eval(started + "]")) > 10  # ctypes' search: processes for each name
    assert rest == "ctypes.util True"


def test_markdown_briefs_import_neither_jinja2_nor_weasyprint(pact: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        "try:\n"
        "    cli.main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    print(sorted(m for m in ('jinja2', 'weasyprint') if m in sys.modules))\n"
    )
    output = tmp_path / "brief.md"
    result = subprocess.run(
        [sys.executable, "-c", script, "--facts-dir", str(pact), "brief", "-o", str(output)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    assert output.read_text().startswith("# The Northland–Eastland pact")


PARSE_PROBE = """
import cffi
from briefgen.renderers import native
NAMED
ffi = cffi.FFI()
ffi.cdef("typedef struct { int x, y; } Point; typedef int Count; typedef Point Pair[2];")
print(ffi.sizeof("Point *"), ffi.sizeof("Pair"), ffi.typeof("Count").cname)
try:
    ffi.typeof("Missing *")
except Exception as error:
    print(type(error).__name__)
"""


@pytest.mark.parametrize("named", [True, False])
def test_cffi_parses_the_same_behind_the_typedefs_a_text_names(named):
    """Only the typedefs a C text names are declared before it: types parse as before,
    and a name never declared is still an error."""
    script = PARSE_PROBE.replace("NAMED", "native.parse_only_named_typedefs()" if named else "")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", "16", "int", "CDefError"]


def test_weasyprint_is_imported_with_the_named_typedefs_only():
    script = (
        "from briefgen.renderers import native; native.import_weasyprint(); "
        "import cffi.cparser as p; print(p.Parser._parse._named_typedefs)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def test_fonttools_subsetter_loads_only_when_it_is_used(tmp_path):
    # With HarfBuzz's subsetter, a PDF never uses fontTools' one: it is not loaded.
    # Where HarfBuzz's is missing, WeasyPrint's first use of it loads it, whole.
    script = (
        "import sys\n"
        "from briefgen.renderers import native\n"
        "weasyprint = native.import_weasyprint()\n"
        f"weasyprint.HTML(string='<p>Été</p>').write_pdf({str(tmp_path / 'a.pdf')!r})\n"
        "lazy = sys.modules['fontTools.subset']\n"
        "print('Subsetter' in object.__getattribute__(lazy, '__dict__'))\n"
        "from weasyprint.pdf import fonts\n"
        "print(fonts.subset.Options().__class__.__name__)\n"
        "print('Subsetter' in vars(sys.modules['fontTools.subset']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "Options", "True"]
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
