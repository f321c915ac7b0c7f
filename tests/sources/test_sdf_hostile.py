"""Hostile SDF XML: pull requests are untrusted input (DESIGN.md §3, §8).

Each attack ends in a clear exit-2 error naming the file, without expanding an entity,
opening a file or a socket, or reading an oversized file into memory.
"""

from __future__ import annotations

import http.server
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from suitelint.errors import SourceError
from suitelint.sources.sdf import MAX_XML_BYTES, load_sdf

LAUGHS = "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
).replace("&lol0;" * 10, "lol")

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE role [{LAUGHS}]>
<role scriptid="customrole_lol">
  <name>&lol9;</name>
</role>
"""


def external_entity(uri: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE role [<!ENTITY xxe SYSTEM "{uri}">]>
<role scriptid="customrole_xxe">
  <name>&xxe;</name>
</role>
"""


def put(folder: Path, text: str | bytes, name: str = "customrole_evil.xml") -> Path:
    path = folder / name
    if isinstance(text, str):
        path.write_text(text)
    else:
        path.write_bytes(text)
    return path


def test_billion_laughs_is_refused(run_cli, tmp_path):
    path = put(tmp_path, BILLION_LAUGHS)
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:2: source error: document type declarations are not allowed in SDF object "
        "XML (DTDs and entities are refused: untrusted input)\n"
    )


def test_external_file_entity_is_refused_and_the_file_not_read(run_cli, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("canary-4b1d")
    put(tmp_path, external_entity(secret.as_uri()))
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert "document type declarations are not allowed" in result.stderr
    assert "canary-4b1d" not in result.stdout + result.stderr


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that records every request made to it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"fetched")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/entity", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_external_http_entity_is_refused_without_a_request(run_cli, tmp_path, http_server):
    url, requests = http_server
    put(tmp_path, external_entity(url))
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert "document type declarations are not allowed" in result.stderr
    assert requests == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the prolog is read in the document's own encoding, so the parser never sees them
        (BILLION_LAUGHS, "document type declarations are not allowed"),
        (external_entity("file:///etc/passwd"), "document type declarations are not allowed"),
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_a_dtd_in_utf16_is_refused_before_parsing(tmp_path, text, message):
    # UTF-16 hides "<!DOCTYPE" from a byte scan: the prolog is decoded first
    path = put(tmp_path, text.replace('<?xml version="1.0"?>', "").encode("utf-16"))
    with pytest.raises(SourceError) as caught:
        load_sdf(tmp_path)
    assert caught.value.path == str(path)
    assert message in str(caught.value)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into the error


def test_a_200_mb_file_is_refused_before_it_is_read(run_cli, tmp_path):
    path = tmp_path / "customrole_huge.xml"
    with path.open("wb") as handle:  # sparse: no disk, no time
        handle.write(b'<role scriptid="customrole_huge">\n')
        handle.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    try:
        result = run_cli("check", tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}: source error: SDF object is {200 * 1024 * 1024} bytes; the limit is "
        f"{MAX_XML_BYTES} bytes\n"
    )
    assert peak < MAX_XML_BYTES  # the file was never read into memory


def test_a_file_just_over_the_limit_is_refused_and_one_under_is_parsed(tmp_path):
    body = b'<role scriptid="customrole_big">\n<name>Big</name>\n'
    closing = b"</role>\n"
    padding = b"<!-- pad -->\n"
    under = body + padding * ((MAX_XML_BYTES - len(body) - len(closing)) // len(padding))
    put(tmp_path, under + closing, "customrole_big.xml")
    assert load_sdf(tmp_path).roles[0].name == "Big"
    put(tmp_path, under + padding * 2 + closing, "customrole_big.xml")
    with pytest.raises(SourceError, match=r"SDF object is \d+ bytes; the limit is"):
        load_sdf(tmp_path)


def test_a_fifo_is_not_read(tmp_path):
    import os

    os.mkfifo(tmp_path / "customrole_fifo.xml")
    with pytest.raises(SourceError, match="must be a regular file, found a FIFO"):
        load_sdf(tmp_path)


@pytest.mark.parametrize("opening", [b"<![CDATA[", b"<!--"])
def test_unterminated_sections_after_a_control_reference_are_malformed_not_rescanned(
    tmp_path, opening
):
    # Reading &#x5; as text skips CDATA sections and comments. An unterminated one runs
    # to the end of the file in one step, however often a hostile file repeats it (a
    # search for its end from each repetition would read the file once per repetition).
    role = tmp_path / "customrole_x.xml"
    role.write_bytes(b'<role scriptid="customrole_x">\n<name>X&#x5;</name>\n' + opening * 50_000)
    with pytest.raises(SourceError) as raised:
        load_sdf(tmp_path)
    assert "malformed XML" in str(raised.value)
