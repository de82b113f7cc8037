"""Key judgments: validate enforces the analytic rules, each as file:line: id: rule, exit 3.

Each test writes a variant of the judged fixture (a volcano watch, en and fr,
ICD 203) that breaks one rule, and checks the one line that names it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def judged(tmp_path: Path, fixtures: Path) -> Path:
    """A writable copy of the judged base, whose three judgments pass every rule."""
    return shutil.copytree(fixtures / "judged", tmp_path / "facts")


def edit(base: Path, old: str, new: str, name: str = "judgments.yaml") -> tuple[str, int]:
    """Replace ``old`` by ``new`` in a file of ``base``: the file's path, and the line of ``new``."""
    path = base / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return str(path), text[:at].count("\n") + 1


def refused(run, base: Path) -> list[str]:
    result = run("--facts-dir", base, "validate")
    assert result.exit_code == 3, result.stdout
    assert result.stderr.endswith("found\n")
    return result.stdout.splitlines()


def test_the_fixture_judgments_pass(run, fixtures):
    result = run("--facts-dir", fixtures / "judged", "validate")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_a_likelihood_term_of_another_yardstick(run, judged):
    f, line = edit(judged, "likelihood: very-likely", "likelihood: highly-likely")
    assert refused(run, judged) == [
        f"{f}:{line}: unrest-continues: likelihood 'highly-likely' is a term of the phia "
        "yardstick, but the base uses icd-203 (base.yaml): one of almost-no-chance, "
        "very-unlikely, unlikely, roughly-even-chance, likely, very-likely, almost-certain"
    ]


def test_a_likelihood_that_is_no_term_suggests_the_closest(run, judged):
    f, line = edit(judged, "likelihood: very-likely", "likelihood: very-likley")
    (problem,) = refused(run, judged)
    assert problem.startswith(
        f"{f}:{line}: unrest-continues: likelihood 'very-likley' is not a term of the icd-203 "
        "yardstick (did you mean 'very-likely'?): one of almost-no-chance,"
    )


@pytest.mark.parametrize(
    ("old", "new", "term", "lang_line"),
    [
        (
            "continue through the winter.",
            "continue through the winter; a new vent is highly likely.",
            "highly likely",
            0,
        ),
        (
            "pendant l'hiver.",
            "pendant l'hiver, et une nouvelle bouche est hautement probable.",
            "hautement probable",
            1,
        ),
    ],
)
def test_two_yardsticks_mixed(run, judged, old, new, term, lang_line):
    # "hautement probable" is PHIA's, though it holds ICD 203's "probable".
    f, line = edit(judged, old, new)
    assert refused(run, judged) == [
        f"{f}:{line}: unrest-continues: '{term}' is a term of the phia yardstick, but the base "
        "uses icd-203 (base.yaml): one base, one yardstick"
    ]


def test_a_phia_base_refuses_an_icd_203_term(run, judged):
    edit(judged, "yardstick: icd-203", "yardstick: phia", name="base.yaml")
    problems = refused(run, judged)
    assert any(
        "'very likely' is a term of the icd-203 yardstick, but the base uses phia" in p
        for p in problems
    )


def test_likelihood_and_confidence_in_one_sentence(run, judged):
    f, line = edit(
        judged,
        "The unrest will very likely continue",
        "We judge with high confidence that the unrest will very likely continue",
    )
    assert refused(run, judged) == [
        f"{f}:{line}: unrest-continues: 'very likely' and 'confidence' are in the same sentence: "
        "state the confidence in a sentence of its own, apart from the likelihood (ICD 203)"
    ]


def test_likelihood_and_confidence_in_two_sentences_pass(run, judged):
    edit(
        judged,
        "The unrest will very likely continue through the winter.",
        "The unrest will very likely continue through the winter. We have high confidence in "
        "this judgment.",
    )
    assert run("--facts-dir", judged, "validate").exit_code == 0


def test_a_basis_id_that_does_not_exist(run, judged):
    f, line = edit(
        judged, "basis: [quakes-rising, alert-raised]", "basis: [quakes-rising, alert-rised]"
    )
    # Only the unknown id: the ceiling of a basis with a fact missing is not judged yet.
    assert refused(run, judged) == [
        f"{f}:{line}: unrest-continues: basis names unknown fact 'alert-rised' "
        "(did you mean 'alert-raised'?)"
    ]


@pytest.mark.parametrize("replacement", ["", "  basis: []\n"])
def test_a_judgment_with_no_basis(run, judged, replacement):
    f, line = edit(judged, "  basis: [lava-seen, sulphur-smell]\n", replacement)
    where = line if replacement else 24  # the key's line, or the judgment's when it is absent
    assert refused(run, judged) == [
        f"{f}:{where}: lava-unfounded: no basis: a judgment names the facts it rests on "
        "(basis: [fact-id, ...])"
    ]


HIGH_ON_ONE_ORIGIN = (
    "unrest-continues: confidence 'high' is more than its basis bears: at most 'moderate', "
    "as only one independent original source, observatory, reaches a fact of it graded 1 or 2 "
    "through sources all graded A–C; high confidence needs two"
)


def test_high_confidence_needs_two_independent_strong_origins(run, judged):
    f, _ = edit(
        judged, "basis: [quakes-rising, alert-raised]", "basis: [quakes-rising, gas-rising]"
    )
    # Both facts come from the observatory, one read first-hand, one relayed.
    assert refused(run, judged) == [f"{f}:22: {HIGH_ON_ONE_ORIGIN}"]


def test_circular_reporting_counts_once(run, judged):
    # gas-rising is reported by the gazette and by the radio, both relaying the observatory.
    f, _ = edit(judged, "basis: [quakes-rising, alert-raised]", "basis: [gas-rising]")
    assert refused(run, judged) == [f"{f}:22: {HIGH_ON_ONE_ORIGIN}"]


def test_two_origins_relayed_by_one_article_bear_high_confidence(run, judged):
    # The radio relays both the observatory and civil protection: two origins.
    edit(judged, "basis: [quakes-rising, alert-raised]", "basis: [gas-rising, alert-raised]")
    assert run("--facts-dir", judged, "validate").exit_code == 0


def test_an_origin_reached_only_through_an_unjudged_source_is_not_strong(run, judged):
    # The hikers' blog (F) says civil protection said it; the gazette relays the observatory.
    edit(
        judged,
        "sources: [{ref: gazette, via: observatory}, {ref: radio, via: observatory}]",
        "sources: [{ref: gazette, via: observatory}, {ref: hikers-blog, via: civil-protection}]",
        name="items/unrest.yaml",
    )
    f, _ = edit(
        judged, "basis: [quakes-rising, alert-raised]", "basis: [quakes-rising, gas-rising]"
    )
    assert refused(run, judged) == [f"{f}:22: {HIGH_ON_ONE_ORIGIN}"]


def test_moderate_confidence_needs_a_fact_graded_2_or_better(run, judged):
    # lava-seen is graded 6 (cannot be judged), sulphur-smell 3 (possibly true).
    f, line = edit(
        judged, "confidence: low\n  basis: [lava-seen", "confidence: moderate\n  basis: [lava-seen"
    )
    assert refused(run, judged) == [
        f"{f}:{line}: lava-unfounded: confidence 'moderate' is more than its basis bears: at most "
        "'low', as no fact of it is graded better than 3; moderate confidence needs one graded "
        "1 or 2"
    ]


@pytest.mark.parametrize(
    ("old", "new", "hedge", "terms"),
    [
        (
            "An eruption before the end of 2025 is unlikely.",
            "An eruption might come before the end of 2025, but it is unlikely.",
            "might",
            "'almost no chance', 'very unlikely', 'unlikely', 'roughly even chance', 'likely', "
            "'very likely', 'almost certain'",
        ),
        (
            "An eruption before the end of 2025 is unlikely.",
            "An eruption before the end of 2025 is unlikely, but it could happen.",
            "could",
            "'almost no chance',",
        ),
        (
            "An eruption before the end of 2025 is unlikely.",
            "An eruption before the end of 2025 is unlikely. It may come in spring.",
            "may",
            "'almost no chance',",
        ),
        (
            "Une éruption avant la fin de 2025 est improbable.",
            "Une éruption pourrait survenir, mais elle est improbable avant la fin de 2025.",
            "pourrait",
            "'quasiment aucune chance', 'très improbable', 'improbable', 'à peu près autant de "
            "chances que non', 'probable', 'très probable', 'presque certain'",
        ),
    ],
)
def test_a_vague_hedge(run, judged, old, new, hedge, terms):
    f, line = edit(judged, old, new)
    (problem,) = refused(run, judged)
    assert problem.startswith(
        f"{f}:{line}: eruption-unlikely: '{hedge}' is a vague hedge: say how likely with a term "
        f"of the icd-203 yardstick ({terms}"
    )


def test_the_month_of_may_is_no_hedge(run, judged):
    edit(judged, "before the end of 2025 is unlikely", "before May 2026 is unlikely")
    assert run("--facts-dir", judged, "validate").exit_code == 0


def test_an_unknown_yardstick_in_base_yaml(run, judged):
    f, line = edit(judged, "yardstick: icd-203", "yardstick: nato", name="base.yaml")
    assert refused(run, judged) == [
        f"{f}:{line}: yardstick: unknown yardstick 'nato': briefgen has icd-203, phia"
    ]


def test_a_judgment_text_missing_a_language(run, judged):
    edit(judged, "    fr: Les récits de lave au sommet sont sans fondement.\n", "")
    f = judged / "judgments.yaml"
    assert refused(run, judged) == [f"{f}:26: lava-unfounded: text has no 'fr' version"]


def test_a_likelihood_set_but_absent_from_the_text(run, judged):
    f, line = edit(judged, "2025 is unlikely.", "2025 is doubtful.")
    assert refused(run, judged) == [
        f"{f}:{line}: eruption-unlikely: text does not state its likelihood 'unlikely'"
    ]


def test_a_term_in_the_text_with_no_likelihood_set(run, judged):
    f, _ = edit(judged, "  likelihood: very-likely\n", "")
    assert refused(run, judged) == [
        f"{f}:19: unrest-continues: text uses the likelihood term 'very likely' but the judgment "
        "sets no 'likelihood'",
        f"{f}:20: unrest-continues: text uses the likelihood term 'très probablement' but the "
        "judgment sets no 'likelihood'",
    ]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("will very likely continue", "will not very likely continue", "not very likely"),
        (
            "se poursuivra très probablement",
            "ne se poursuivra pas très probablement",
            "pas très probablement",
        ),
    ],
)
def test_a_negated_term_is_no_term(run, judged, old, new, said):
    f, line = edit(judged, old, new)
    assert refused(run, judged) == [
        f"{f}:{line}: unrest-continues: '{said}' qualifies a term of the yardstick: state the "
        "likelihood with one of its terms, as it stands"
    ]


def test_peu_probable_is_read_as_unlikely_not_as_probable(run, judged):
    edit(judged, "2025 est improbable.", "2025 est peu probable.")
    assert run("--facts-dir", judged, "validate").exit_code == 0
    edit(judged, "likelihood: unlikely", "likelihood: likely")
    f = judged / "judgments.yaml"
    assert f"{f}:7: eruption-unlikely: text does not state its likelihood 'probable'" in refused(
        run, judged
    )


# -- verify: a fact's own words against its grade ------------------------------------------


def overclaims(run, base: Path, tmp_path: Path) -> list[str]:
    texts = tmp_path / "texts"
    texts.mkdir(exist_ok=True)
    result = run("--facts-dir", base, "verify", "--texts", texts)
    assert result.exit_code == 0, result.stdout
    return [line for line in result.stderr.splitlines() if "likelihood" in line]


def regrade(base: Path, text: str, credibility: int) -> None:
    """Give the fact sulphur-smell ``text`` and ``credibility`` (from the observatory, so
    that any grade keeps to the scale; a 5 contradicts a fact graded 2)."""
    old = (
        "  text: {en: Villagers smell sulphur at night., fr: Les villageois sentent le soufre "
        "la nuit.}\n  sources: [{ref: hikers-blog}]\n  credibility: 3\n"
    )
    link = "  contradicts: [quakes-rising]\n" if credibility == 5 else ""
    new = (
        f"  text: {{en: {text}, fr: Les villageois sentent le soufre la nuit.}}\n"
        f"  sources: [{{ref: observatory}}]\n  credibility: {credibility}\n{link}"
    )
    edit(base, old, new, name="items/unrest.yaml")


GRADES = {2: "2 (probably true)", 3: "3 (possibly true)", 4: "4 (doubtful)", 5: "5 (improbable)"}


@pytest.mark.parametrize(
    ("text", "credibility", "said", "most"),
    [
        ("The vents almost certainly widened.", 4, "'almost certainly' (en, 95–99\u202f%)", 45),
        ("The vents very likely widened.", 2, "'very likely' (en, 80–95\u202f%)", 80),
        ("The vents probably widened.", 3, "'probably' (en, 55–80\u202f%)", 55),
        (
            "It is a roughly even chance that they widened.",
            4,
            "'roughly even chance' (en, 45–55\u202f%)",
            45,
        ),
        ("The vents unlikely widened.", 5, "'unlikely' (en, 20–45\u202f%)", 20),
    ],
)
def test_verify_warns_of_a_term_the_grade_contradicts(
    run, judged, tmp_path, text, credibility, said, most
):
    regrade(judged, text, credibility)
    assert overclaims(run, judged, tmp_path) == [
        f"warning: sulphur-smell: its text says {said}, more than its credibility "
        f"{GRADES[credibility]} bears (a likelihood under {most}\u202f%)",
        "0 quotes in 0 texts checked: no failures, no hedge warnings, 1 likelihood warning",
    ]


@pytest.mark.parametrize(
    ("text", "credibility"),
    [
        ("The vents likely widened.", 2),
        ("It is a roughly even chance that they widened.", 3),
        ("The vents did not likely widen.", 3),  # negated: no claim of "likely"
        ("The vents almost certainly widened.", 6),  # cannot be judged: no estimate
        ("The vents very unlikely widened.", 5),
    ],
)
def test_verify_accepts_a_term_the_grade_bears(run, judged, tmp_path, text, credibility):
    regrade(judged, text, credibility)
    assert overclaims(run, judged, tmp_path) == []


def test_verify_reads_the_french_text_and_the_base_s_yardstick(run, judged, tmp_path):
    edit(judged, "yardstick: icd-203", "yardstick: phia", name="base.yaml")
    (judged / "judgments.yaml").unlink()  # written for ICD 203
    edit(
        judged,
        "{en: Villagers smell sulphur at night., fr: Les villageois sentent le soufre la nuit.}",
        "{en: Sulphur is highly likely rising., fr: La hausse du soufre est hautement probable.}",
        name="items/unrest.yaml",
    )
    assert overclaims(run, judged, tmp_path)[0] == (
        "warning: sulphur-smell: its text says 'highly likely' (en, 80–90\u202f%) and "
        "'hautement probable' (fr, 80–90\u202f%), more than its credibility 3 (possibly true) "
        "bears (a likelihood under 55\u202f%)"
    )


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("statement", "The observatory said the vents almost certainly widened."),
        ("assessment", "The vents almost certainly widened."),
        ("event", """'The observatory called the widening "almost certain".'"""),
    ],
)
def test_verify_leaves_a_source_s_own_term_alone(run, judged, tmp_path, kind, text):
    # What a source judged or said, or its words in quotation marks, are its own.
    regrade(judged, text, 4)
    edit(judged, "- id: sulphur-smell\n  kind: event\n", f"- id: sulphur-smell\n  kind: {kind}\n",
         name="items/unrest.yaml")  # fmt: skip
    assert overclaims(run, judged, tmp_path) == []


def test_the_docs_list_each_yardstick_as_briefgen_ships_it():
    from briefgen.yardsticks import yardstick, yardstick_ids

    doc = (Path(__file__).parents[1] / "docs" / "analytic-standards.md").read_text("utf-8")
    for stick_id in yardstick_ids():
        section = doc.split(f"(`{stick_id}`)\n", 1)[1].split("\n### ", 1)[0]
        rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| `")]
        terms = yardstick(stick_id).terms
        assert [row[0].strip("|` ") for row in rows] == [t.id for t in terms], stick_id
        for row, term in zip(rows, terms, strict=True):
            assert row[1] == ", ".join(term.forms["en"]), term.id
            assert row[2] == term.band().replace("\u202f", " "), term.id
            assert row[3].startswith(term.name("fr")), term.id
