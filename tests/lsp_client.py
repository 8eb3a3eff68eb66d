"""A minimal Language Server Protocol client over stdio: open one document, wait for its diagnostics."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path


def diagnostics(server: str, root: Path, document: Path, settings: dict, timeout: float = 60) -> list[dict] | None:
    proc = subprocess.Popen([server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    inbox: queue.Queue = queue.Queue()

    def read() -> None:
        while True:
            headers = {}
            while True:
                line = proc.stdout.readline()
                if not line:
                    return
                line = line.decode().strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.lower()] = value.strip()
            inbox.put(json.loads(proc.stdout.read(int(headers["content-length"]))))

    def send(message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        proc.stdin.flush()

    threading.Thread(target=read, daemon=True).start()
    send({"id": 1, "method": "initialize", "params": {
        "processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {"workspace": {"configuration": True}},
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]}})
    deadline, uri = time.monotonic() + timeout, document.as_uri()
    try:
        while time.monotonic() < deadline:
            try:
                message = inbox.get(timeout=1)
            except queue.Empty:
                continue
            if message.get("id") == 1 and "result" in message:
                send({"method": "initialized", "params": {}})
                send({"method": "workspace/didChangeConfiguration", "params": {"settings": {"yaml": settings}}})
                send({"method": "textDocument/didOpen", "params": {"textDocument": {
                    "uri": uri, "languageId": "yaml", "version": 1, "text": document.read_text(encoding="utf-8")}}})
            elif "method" in message and "id" in message:  # the server asks the client something
                items = message.get("params", {}).get("items", [])
                result = [settings for _ in items] if message["method"] == "workspace/configuration" else None
                send({"id": message["id"], "result": result})
            elif (message.get("method") == "textDocument/publishDiagnostics"
                  and message["params"]["uri"] == uri and message["params"]["diagnostics"]):
                return message["params"]["diagnostics"]
        return None
    finally:
        proc.kill()
        proc.wait()
