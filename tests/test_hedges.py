"""verify warns when a fact states plainly what the sentence it quotes only reports or supposes."""

from __future__ import annotations

from pathlib import Path


def plant(base: Path) -> None:
    """Sentences that hedge or not, and facts that keep or lose the hedge."""
    with (base / "texts" / "anon.txt").open("a", encoding="utf-8") as text:
        text.write(
            "Le pacte aurait doublé les échanges, mais les douanes n'ont rien publié.\n"
            "Le rapport montrait une hausse des échanges.\n"
        )
    with (base / "items" / "trade.yaml").open("a", encoding="utf-8") as items:
        items.write(
            """
- id: trade-doubled
  kind: statement
  themes: [trade]
  text: {en: The pact doubled trade., fr: Les échanges auraient doublé grâce au pacte.}
  sources: [{ref: anon-news, locator: "§4", quote: "Le pacte aurait doublé les échanges"}]
  credibility: 4
- id: trade-doubled-reportedly
  kind: statement
  themes: [trade]
  text: {en: The pact reportedly doubled trade., fr: Les échanges auraient doublé grâce au pacte.}
  sources: [{ref: anon-news, locator: "§4", quote: "Le pacte aurait doublé les échanges"}]
  credibility: 4
- id: customs-silent
  kind: statement
  themes: [trade]
  text: {en: Customs published nothing., fr: Les douanes n'ont rien publié.}
  sources: [{ref: anon-news, locator: "§4", quote: "les douanes n'ont rien publié"}]
  credibility: 3
- id: trade-rose
  kind: statement
  themes: [trade]
  text: {en: The report showed trade rising., fr: Le rapport montrait une hausse des échanges.}
  sources: [{ref: anon-news, locator: "§5", quote: "Le rapport montrait une hausse"}]
  credibility: 3
- id: troops-deployed-in-october
  kind: statement
  themes: [security]
  text: {en: Soldiers were deployed in October., fr: Des soldats ont été déployés en octobre.}
  sources: [{ref: moreau-2025, locator: "§2", quote: "soldats ont été déployés en octobre"}]
  credibility: 3
"""
        )


def test_a_lost_hedge_is_a_warning_not_a_failure(run, pact_copy):
    plant(pact_copy)
    result = run("--facts-dir", pact_copy, "verify", "--texts", pact_copy / "texts")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        # the conditional bears on its clause; the French kept it, the English lost it
        "warning: trade-doubled: the sentence quoted from anon-news hedges ('aurait'), "
        "the en text does not",
        # "Selon l'agence, ..." bears on the whole sentence, wherever the quote stands in it
        "warning: troops-deployed-in-october: the sentence quoted from moreau-2025 hedges "
        "('selon'), the en and fr texts do not",
        "11 quotes in 2 texts checked: no failures, 2 hedge warnings",
    ]


def test_the_fixture_keeps_its_hedges(run, pact):
    result = run("--facts-dir", pact, "verify", "--texts", pact / "texts")
    assert result.exit_code == 0
    assert result.stderr == "6 quotes in 2 texts checked: no failures, no hedge warnings\n"
