"""yaml-language-server (the YAML support of VS Code and other editors) on a disclosure, with the committed schema.

The server is run over stdio as an editor runs it. A disclosure that names the schema in
its modeline gets no diagnostics; a broken one gets them on the lines ftdisclose names.
Skipped when node or the npm package is missing (.ci/install-node-tools installs them).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest

from ftdisclose.spec import LATEST

from .conftest import EXAMPLES, ROOT, run_cli

NODE_TOOLS = Path(os.environ.get("FTD_NODE_TOOLS", Path.home() / ".cache" / "ftdisclose" / "node-tools"))
SERVER = NODE_TOOLS / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SCHEMA = ROOT / "schema" / f"ftdisclose-{LATEST}.schema.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("node") is None or not SERVER.exists(),
        reason="node or yaml-language-server is missing (.ci/install-node-tools installs them)",
    ),
]


class Client:
    """A minimal LSP client: framed JSON-RPC over the server's stdin and stdout."""

    def __init__(self, workspace: Path) -> None:
        self.proc = subprocess.Popen(
            ["node", str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        self.next_id = 0
        self.workspace = workspace

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = int(next(h for h in header.decode().split("\r\n") if h.lower().startswith("content-length"))[15:])
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def settings(self) -> dict[str, Any]:
        return {"validate": True, "schemas": {SCHEMA.as_uri(): ["*.disclosure.yaml"]}, "schemaStore": {"enable": False}}

    def wait(self, predicate: Any, timeout: float = 60) -> dict[str, Any]:
        """The first message for which ``predicate`` holds, answering the server's requests meanwhile."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=1)
            except queue.Empty:
                continue
            if message.get("method") == "workspace/configuration":
                items = message["params"]["items"]
                self.send({"id": message["id"], "result": [self.settings() for _ in items]})
                continue
            if "id" in message and "method" in message:  # other requests (registrations): accept
                self.send({"id": message["id"], "result": None})
                continue
            if predicate(message):
                return message
        raise AssertionError("yaml-language-server did not answer in time")

    def start(self) -> None:
        ident = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.workspace.as_uri(),
                "capabilities": {"workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}},
            },
        )
        self.wait(lambda m: m.get("id") == ident)
        self.send({"method": "initialized", "params": {}})
        self.send({"method": "workspace/didChangeConfiguration", "params": {"settings": {"yaml": self.settings()}}})

    def diagnostics(self, path: Path) -> list[dict[str, Any]]:
        uri = path.as_uri()
        self.send(
            {
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text()}},
            }
        )
        message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        )
        return list(message["params"]["diagnostics"])

    def stop(self) -> None:
        try:
            ident = self.request("shutdown", {})
            self.wait(lambda m: m.get("id") == ident, timeout=10)
            self.send({"method": "exit", "params": {}})
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()


@pytest.fixture
def client(tmp_path: Path) -> Any:
    c = Client(tmp_path)
    c.start()
    yield c
    c.stop()


BROKEN = f"""# yaml-language-server: $schema={SCHEMA.as_uri()}
spec_version: "{LATEST}"
model:
  name: m
  method: QLoRA
  colour: blue
operational:
  start: 2024-07-06T17:01Z
  duration: 4 h
"""


def test_a_valid_disclosure_has_no_diagnostics(client: Client, tmp_path: Path) -> None:
    example = tmp_path / "munin.disclosure.yaml"
    text = (EXAMPLES / "munin-7b-lora.yaml").read_text().replace('spec_version: "1.0"', f'spec_version: "{LATEST}"')
    example.write_text(f"# yaml-language-server: $schema={SCHEMA.as_uri()}\n{text}")
    assert client.diagnostics(example) == []


def test_a_broken_disclosure_gets_diagnostics_where_ftdisclose_finds_them(client: Client, tmp_path: Path) -> None:
    broken = tmp_path / "broken.disclosure.yaml"
    broken.write_text(BROKEN)
    diagnostics = client.diagnostics(broken)
    lines = sorted({d["range"]["start"]["line"] + 1 for d in diagnostics})
    proc = run_cli("validate", "--format", "json", str(broken))
    ours = sorted({f["line"] for f in json.loads(proc.stdout)["files"][0]["findings"] if f["severity"] == "error"})
    # method: QLoRA (line 5), the unknown key colour (6), a start without seconds (8): the same lines in both
    assert ours == [5, 6, 8], proc.stdout
    assert lines == ours, diagnostics
