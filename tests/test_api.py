"""The Python API: what the command line does, callable from a script."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import briefgen
from briefgen import (
    BriefOptions,
    BriefRecipe,
    RenderOptions,
    Selection,
    Terminal,
    build_brief,
    load,
    produce,
    render,
    select_facts,
)


def test_every_public_name_is_importable() -> None:
    for name in briefgen.__all__:
        assert getattr(briefgen, name) is not None, name


def test_produce_fits_once_for_every_format(pact) -> None:
    base = load(pact, cache=False)
    recipe = BriefRecipe(base, tuple(select_facts(base, Selection())), (), BriefOptions())
    as_json = json.loads(produce(recipe, "json").data)
    md = produce(recipe, "md")
    assert isinstance(md.data, str) and md.data.startswith("# The Northland–Eastland pact")
    assert md.omitted == () and as_json["omitted"] == []
    term = produce(recipe, "term", RenderOptions(terminal=Terminal(width=50, color=False)))
    assert max(len(line) for line in str(term.data).splitlines()) <= 50
    assert "\x1b" not in str(term.data)


def test_produce_leaves_out_what_does_not_fit_and_says_so(pact_copy) -> None:
    # Sixty more facts: more than a page holds.
    more = "".join(
        f"- id: extra-{n:02d}\n  kind: event\n  themes: [trade]\n  priority: 3\n"
        f"  text: {{en: Extra fact {n} of a long list of facts., fr: Fait {n}.}}\n"
        f"  sources: [{{ref: anon-news}}]\n"
        for n in range(60)
    )
    (pact_copy / "items" / "more.yaml").write_text(more)
    base = load(pact_copy, cache=False)
    recipe = BriefRecipe(base, tuple(select_facts(base, Selection())), (), BriefOptions())
    short = produce(recipe, "md", RenderOptions(pages=1))
    whole = produce(recipe, "md", RenderOptions(pages=0))
    assert short.omitted and short.pages_needed >= 2
    assert short.warnings[0].startswith(f"{len(short.omitted)} facts omitted to fit 1 page: ")
    assert whole.omitted == () and whole.warnings == ()
    shown = {f.id for f in short.brief.facts}
    assert not shown & {f.id for f in short.omitted}
    assert shown | {f.id for f in short.omitted} == {f.id for f in whole.brief.facts}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_produce_makes_a_pdf_of_the_facts_the_text_formats_hold(pact, tmp_path) -> None:
    base = load(pact, cache=False)
    facts = tuple(select_facts(base, Selection(themes=("security",))))
    recipe = BriefRecipe(base, facts, ("security",), BriefOptions(compact_notes=True))
    pdf = produce(recipe, "pdf", RenderOptions(paper="letter"))
    assert isinstance(pdf.data, bytes) and pdf.data.startswith(b"%PDF-")
    assert pdf.pages == 1
    path = tmp_path / "security.pdf"
    path.write_bytes(pdf.data)
    text = " ".join(
        subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout.split()
    )
    md = produce(recipe, "md", RenderOptions(paper="letter"))
    assert {f.id for f in pdf.brief.facts} == {f.id for f in md.brief.facts}
    for item in pdf.brief.sections[0].items:
        assert item.text in text


def test_build_brief_and_render_make_the_whole_brief(pact) -> None:
    base = load(pact, cache=False)
    brief = build_brief(base, select_facts(base, Selection()), options=BriefOptions(lang="fr"))
    md = render(brief, "md")
    assert isinstance(md, str) and md.startswith("# Le pacte Nordland–Estland")
    assert brief.omitted == ()
    # one note per statement: every item shown for the first time has its own
    items = [*brief.key_points, *(i for s in brief.sections for i in s.items)]
    items += [row.item for group in brief.estimates for row in group.rows]
    items += [side for pair in brief.contradictions for side in (pair.left, pair.right)]
    assert [i.note for i in items if not i.repeated] == [n.number for n in brief.notes]


def test_the_library_names_settings_as_briefgen_toml_does_and_the_command_line_by_flag(
    pact_copy, run
) -> None:
    from briefgen import BriefgenError, BriefRequest, PartialDate

    with pytest.raises(BriefgenError) as raised:
        BriefRequest.from_values({"brief_date": PartialDate.parse("2025-12")})
    assert str(raised.value) == "date needs a full date (YYYY-MM-DD)"
    assert raised.value.for_command_line() == "--date needs a full date (YYYY-MM-DD)"
    more = "".join(
        f"- id: extra-{n:02d}\n  kind: event\n  themes: [trade]\n  priority: 3\n"
        f"  text: {{en: Extra fact {n} of a long list of facts., fr: Fait {n}.}}\n"
        f"  sources: [{{ref: anon-news}}]\n"
        for n in range(60)
    )
    (pact_copy / "items" / "more.yaml").write_text(more)
    request = BriefRequest.from_values({"pages": 1})
    prepared = request.prepare(load(pact_copy, cache=False))
    product = produce(prepared.recipe, "md", prepared.options)
    notice = product.warnings[0]
    assert "(listed in format = json)" in notice and "--" not in notice
    assert notice.endswith(f"use pages = {product.pages_needed} to include them")
    flags = product.warnings_for_command_line()[0]
    assert flags.endswith(f"use --pages {product.pages_needed} to include them")
    assert run("--facts-dir", pact_copy, "brief", "-f", "md").stderr == flags + "\n"
