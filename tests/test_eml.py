"""Mail digests: a message that Python's own parser reads back, and that sendmail -t can send."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
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
    assert msg["Subject"] == "The Northland–Eastland pact – 1 December 2025"
    assert parsedate_to_datetime(msg["Date"]).timestamp() == 1764547200  # SOURCE_DATE_EPOCH
    assert msg["Message-ID"].endswith("@example.org>")
    assert msg["MIME-Version"] == "1.0"
    assert msg["Content-Language"] == "en"
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    # Mail text has CRLF line ends; the text itself is the brief's.
    assert lf(plain.get_content()) == run("--facts-dir", pact, "brief", "-f", "md").stdout
    assert lf(html.get_content()) == run("--facts-dir", pact, "brief", "-f", "html").stdout


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
    markdown = run("--facts-dir", pact, "brief", "--lang", "fr", "-f", "md").stdout
    assert lf(body.get_body(("plain",)).get_content()) == markdown


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
    assert message(rest)["Subject"] == "The Northland–Eastland pact – 1 December 2025"


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
    assert "Subject: The Northland–Eastland pact – 1 December 2025\r\n".encode() in headers
    assert b"=?utf-8?" not in headers
    text = result.stdout_bytes.decode("utf-8")  # a parser of bytes takes them for ASCII
    msg = email.message_from_string(text, policy=email.policy.SMTPUTF8)
    assert not msg.defects
    assert msg["To"].addresses[0].username == "zoë"
