"""Mail digests: a message that Python's own parser reads back, and that sendmail -t can send."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import subprocess
import sys
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from html import escape as html_escape
from pathlib import Path

import pytest

ENVELOPE = ("--to", "Desk <desk@example.org>", "--from", "Briefs <briefs@example.org>")


def message(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert not parsed.defects
    return parsed


def eml(run, base: Path, *options: str) -> EmailMessage:
    result = run("--facts-dir", base, "brief", "-f", "eml", *options)
    assert result.exit_code == 0, result.stderr
    return message(result.stdout_bytes)


def test_the_message_holds_the_markdown_and_html_of_one_brief(run, pact):
    msg = eml(run, pact, *ENVELOPE, "--cc", "a@example.org", "--cc", "b@example.org")
    assert msg["From"] == "Briefs <briefs@example.org>"
    assert msg["To"] == "Desk <desk@example.org>"
    assert msg["Cc"] == "a@example.org, b@example.org"
    assert msg["Subject"] == "The Northland–Eastland pact — 1 December 2025"
    assert parsedate_to_datetime(msg["Date"]).timestamp() == 1764547200  # SOURCE_DATE_EPOCH
    assert msg["Message-ID"].endswith("@example.org>")
    assert msg["MIME-Version"] == "1.0"
    assert msg["Content-Language"] == "en"
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    # Both parts hold every statement of the brief.
    brief = json.loads(run("--facts-dir", pact, "brief", "-f", "json").stdout)
    for item in (*brief["key_points"], *(i for s in brief["sections"] for i in s["items"])):
        assert item["text"] in " ".join(lf(plain.get_content()).split())
        assert html_escape(item["text"], quote=False) in html.get_content()


def lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_lines_end_in_crlf_and_stay_short(run, pact):
    data = run("--facts-dir", pact, "brief", "-f", "eml", *ENVELOPE).stdout_bytes
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 78
    assert all(byte < 128 for byte in data)  # 7-bit: any transfer agent takes it


def test_the_pdf_is_attached_on_request(run, pact, tmp_path):
    msg = eml(run, pact, *ENVELOPE, "--attach-pdf", "--lang", "fr", "--subject", "Note du lundi")
    assert msg["Subject"] == "Note du lundi"
    assert msg["Content-Language"] == "fr"
    assert msg.get_content_type() == "multipart/mixed"
    body, attachment = msg.iter_parts()
    assert [p.get_content_type() for p in body.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "le-pacte-nordland-estland-2025-12-01.pdf"
    printed = tmp_path / "brief.pdf"
    assert run("--facts-dir", pact, "brief", "--lang", "fr", "-o", printed).exit_code == 0
    assert attachment.get_content() == printed.read_bytes()
    plain = lf(body.get_body(("plain",)).get_content())
    assert plain.startswith("Le pacte Nordland–Estland\n")


def test_the_same_inputs_and_epoch_give_the_same_bytes(run, pact, monkeypatch):
    first = run("--facts-dir", pact, "brief", "-f", "eml", *ENVELOPE).stdout_bytes
    assert run("--facts-dir", pact, "brief", "-f", "eml", *ENVELOPE).stdout_bytes == first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    ids = {eml(run, pact, *ENVELOPE, "--date", "2025-12-01")["Message-ID"] for _ in range(2)}
    assert len(ids) == 2  # without SOURCE_DATE_EPOCH, every message is a new one


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--from", "briefs@example.org"), "a message needs a recipient: give --to ADDRESS"),
        (("--to", "desk@example.org"), "a message needs a sender: give --from ADDRESS"),
        (("--to", "desk", "--from", "b@example.org"), "--to: not an e-mail address: 'desk'"),
        (
            ("--to", "desk@example.org\nBcc: all@example.org", "--from", "b@example.org"),
            "--to: an address is one line",
        ),
        (
            (*ENVELOPE, "--subject", "Hello\r\nBcc: all@example.org"),
            "Invalid value for '--subject': character U+000D is not allowed",
        ),
    ],
)
def test_an_envelope_sendmail_could_not_use_is_refused(run, pact, options, message):
    result = run("--facts-dir", pact, "brief", "-f", "eml", *options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_an_empty_digest_sends_nothing(run, pact):
    result = run("--facts-dir", pact, "brief", "-f", "eml", *ENVELOPE, "--new-since", "2030-01-01")
    assert result.exit_code == 4
    assert result.stdout == ""


def test_the_envelope_can_live_in_the_configuration(run, pact, tmp_path, monkeypatch):
    (tmp_path / "briefgen.toml").write_text(
        'to = ["desk@example.org", "chief@example.org"]\nfrom = "briefs@example.org"\n'
        "attach-pdf = false\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    msg = eml(run, pact)
    assert msg["To"] == "desk@example.org, chief@example.org"
    assert msg["From"] == "briefs@example.org"


FAKE_SENDMAIL = """\
import email, email.policy, sys
from email.utils import getaddresses
# As sendmail -t does: the recipients are read from the headers, Bcc is removed.
assert sys.argv[1:] == ["-t"], sys.argv
data = sys.stdin.buffer.read()
msg = email.message_from_bytes(data, policy=email.policy.SMTP)
rcpts = [a for _, a in getaddresses(msg.get_all("To", []) + msg.get_all("Cc", []))]
with open(sys.argv[0] + ".out", "wb") as spool:
    spool.write(b"X-Envelope-To: " + ", ".join(rcpts).encode() + b"\\r\\n" + data)
"""


def test_it_goes_through_a_sendmail_pipe_unchanged(pact, tmp_path):
    sendmail = tmp_path / "sendmail"
    sendmail.write_text(FAKE_SENDMAIL, encoding="utf-8")
    command = [sys.executable, "-m", "briefgen", "--facts-dir", str(pact), "brief", "-f", "eml"]
    command += [*ENVELOPE, "--cc", "chief@example.org"]
    made = subprocess.run(command, capture_output=True, check=True, timeout=60).stdout
    subprocess.run(
        f"{' '.join(map(repr, command))} | {sys.executable} {sendmail} -t",
        shell=True,
        check=True,
        timeout=60,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1764547200"},
    )
    spooled = (tmp_path / "sendmail.out").read_bytes()
    head, _, rest = spooled.partition(b"\r\n")
    assert head == b"X-Envelope-To: desk@example.org, chief@example.org"
    assert rest == made
    assert message(rest)["Subject"] == "The Northland–Eastland pact — 1 December 2025"


def _headers(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n")[0]


def test_an_address_is_never_written_with_encoded_words(run, pact):
    """RFC 2047 section 5 forbids encoded words in an address: the domain is written as
    IDNA writes it, the display name may be encoded, and the message stays 7-bit."""
    options = ("--to", "Zoë <desk@exämple.org>", "--cc", "chef@bücher.example")
    result = run("--facts-dir", pact, "brief", "-f", "eml", *options, "--from", "b@example.org")
    assert result.exit_code == 0, result.stderr
    headers = _headers(result.stdout_bytes)
    assert b"To: =?utf-8?q?Zo=C3=AB?= <desk@xn--exmple-cua.org>\r\n" in headers
    assert b"Cc: chef@xn--bcher-kva.example\r\n" in headers
    assert all(byte < 128 for byte in result.stdout_bytes)
    msg = message(result.stdout_bytes)
    assert msg["To"].addresses[0].domain == "xn--exmple-cua.org"


def test_a_mailbox_name_that_is_not_ascii_makes_an_internationalized_message(run, pact):
    """RFC 6532: the address is written in UTF-8 as it is, and so is every header."""
    options = ("--to", "Zoë <zoë@exämple.org>", "--from", "b@example.org")
    result = run("--facts-dir", pact, "brief", "-f", "eml", *options)
    assert result.exit_code == 0, result.stderr
    headers = _headers(result.stdout_bytes)
    assert "To: Zoë <zoë@xn--exmple-cua.org>\r\n".encode() in headers
    assert "Subject: The Northland–Eastland pact — 1 December 2025\r\n".encode() in headers
    assert b"=?utf-8?" not in headers
    text = result.stdout_bytes.decode("utf-8")  # a parser of bytes takes them for ASCII
    msg = email.message_from_string(text, policy=email.policy.SMTPUTF8)
    assert not msg.defects
    assert msg["To"].addresses[0].username == "zoë"


def parts(run, base: Path, *options: str) -> tuple[str, str]:
    msg = eml(run, base, *ENVELOPE, *options)
    plain, html = msg.iter_parts()
    return lf(plain.get_content()), lf(html.get_content())


def test_the_html_part_has_its_styles_inline_and_its_charts_as_markup(run, pact):
    """What web mail clients drop (a style block, CSS variables, inline SVG) is not there:
    each element carries its style, and a chart is a bar of coloured spans."""
    _, html = parts(run, pact, "--marking", "OFFICIAL")
    assert "<style" not in html
    assert "var(" not in html
    assert "<svg" not in html
    assert re.search(r'<h1 style="[^"]*color: #1f3a5f', html)
    assert "max-width: 600px" in html
    # Each estimate's bar: its place and length on one scale, its numbers in words.
    bars = re.findall(
        r'aria-label="([^"]+)"[^>]*><span class="gap" style="[^"]*width: ([\d.]+)%[^"]*"></span>'
        r'<span class="mark" style="[^"]*width: ([\d.]+)%',
        html,
    )
    assert bars == [
        ("8,000–10,000 (soldiers)", "53.3", "13.3"),
        ("12,000 (soldiers)", "80.0", "2.0"),
    ]
    assert "0–15,000 (linear)" in html
    assert html.count("OFFICIAL") == 2


def test_the_plain_part_reads_as_plain_text(run, pact):
    plain, _ = parts(run, pact)
    plain = plain.replace("\u00a0", " ")  # no-break spaces hold a locator to its number
    for markdown in ("[^", "\\[", "*", "**", "\\'"):
        assert markdown not in plain
    lines = plain.splitlines()
    assert "[1] Moreau, Pacte Nordland–Estland, para. 1 [B3]." in plain
    assert "- Jun 2024 The pact’s assistance clause is automatic. [1]" in lines
    assert "  versus: Assistance under the pact is not automatic but a political" in lines
    assert all(len(line) <= 72 for line in lines)
    # A note's call is never a line of its own.
    assert not [line for line in lines if re.match(r"^\s*\[\d+\]$", line)]


def test_the_subject_names_the_selection_and_the_date(run, pact):
    msg = eml(run, pact, *ENVELOPE, "-t", "security")
    assert msg["Subject"] == "Security cooperation — 1 December 2025"
    msg = eml(run, pact, *ENVELOPE, "-t", "security", "--title", "Monday note")
    assert msg["Subject"] == "Monday note (Security cooperation) — 1 December 2025"
    msg = eml(run, pact, *ENVELOPE, "--lang", "fr", "-t", "trade")
    assert msg["Subject"] == "Commerce et sanctions — 1er décembre 2025"


def test_the_html_part_holds_at_600_pixels(chromium, run, pact, tmp_path):
    """Laid out by a browser 600 px wide, nothing runs past the right edge."""
    from PIL import Image

    _, html = parts(run, pact, "--marking", "OFFICIAL")
    page = tmp_path / "mail.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "mail.png"
    chromium("--hide-scrollbars", f"--screenshot={shot}", "--window-size=600,1600", page.as_uri())
    image = Image.open(shot).convert("L")
    assert image.size == (600, 1600)
    width, height = image.size
    inked = [x for x in range(width) for y in range(0, height, 4) if image.getpixel((x, y)) < 200]
    assert inked, "nothing drawn"
    # Text and rules from the frame's padding on the left to its padding on the right.
    assert min(inked) >= 8 and max(inked) <= width - 8
