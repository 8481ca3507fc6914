"""Draw docs/editor-completion.png: what an editor shows with coursepack's schemas.

    npm install --prefix /tmp/yls yaml-language-server@1
    python scripts/editor_picture.py /tmp/yls/node_modules/yaml-language-server/bin/yaml-language-server

It makes a project with `coursepack new` in a temporary folder, adds a module with a
misspelt key, and asks the YAML language server (the engine of Red Hat's YAML
extension for VS Code) over the Language Server Protocol for the completion list on
an empty line and for the file's problems, with the workspace settings that `new`
wrote. The picture is drawn from those replies (HTML, printed with WeasyPrint,
turned into PNG with pdftoppm); it is a rendering, not a screenshot of an editor.
"""
from __future__ import annotations

import html
import json
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "editor-completion.png"

MODULE = """\
# yaml-language-server: $schema=../../.coursepack/module.schema.json
kind: topic
title: The Bill of Rights

sumary: How the first Congress answered the Anti-Federalists.
sections:
  - heading: Madison's amendments
    body: |
      In June 1789 James Madison proposed amendments to the House.
"""
CURSOR = (3, 0)  # the empty line: 0-based line and column


class LanguageServer:
    """A minimal LSP client over stdio: requests, answers to the server's own
    configuration requests, and the diagnostics it publishes."""

    def __init__(self, command: list[str], settings: dict):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.settings, self.answers, self.diagnostics, self.last = settings, queue.Queue(), {}, 0
        self.published = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def request(self, method: str, params: dict):
        self.last += 1
        self._send({"jsonrpc": "2.0", "id": self.last, "method": method, "params": params})
        while True:
            message = self.answers.get(timeout=60)
            if message["id"] == self.last:
                return message.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while (line := stream.readline().decode().strip()):
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                return
            message = json.loads(stream.read(length))
            method = message.get("method")
            if method == "workspace/configuration":
                items = message["params"]["items"]
                self._send({"jsonrpc": "2.0", "id": message["id"],
                            "result": [self.settings.get(item.get("section")) for item in items]})
            elif method == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                if message["params"]["diagnostics"]:
                    self.published.set()
            elif "id" in message and method:
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                self.answers.put(message)


def ask(server_js: str, root: Path, module: Path) -> tuple[str, list, list]:
    """The server's version, completion items at CURSOR and diagnostics for `module`."""
    vscode = json.loads((root / ".vscode" / "settings.json").read_text())
    # VS Code's YAML extension resolves the relative keys of yaml.schemas against the workspace.
    schemas = {(root / key).resolve().as_uri(): globs for key, globs in vscode["yaml.schemas"].items()}
    settings = {"yaml": {"schemas": schemas, "validate": True, "completion": True, "hover": True}}
    server = LanguageServer(["node", server_js, "--stdio"], settings)
    info = server.request("initialize", {
        "processId": None, "rootUri": root.as_uri(), "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "capabilities": {"workspace": {"configuration": True}, "textDocument": {
            "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}}}}})
    server.notify("initialized", {})
    server.notify("workspace/didChangeConfiguration", {"settings": settings})
    uri = module.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                            "text": module.read_text()}})
    result = server.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": CURSOR[0], "character": CURSOR[1]}})
    server.published.wait(timeout=30)
    server.process.kill()
    items = result.get("items", []) if isinstance(result, dict) else result or []
    return info["serverInfo"]["version"], items, server.diagnostics.get(uri, [])


def draw(version: str, items: list, diagnostics: list) -> str:
    """The picture as HTML: the file, the completion list at the cursor with the first
    item's description, and each problem underlined with its message."""
    lines = MODULE.rstrip("\n").split("\n")
    marks = {d["range"]["start"]["line"]: d for d in diagnostics}
    rows = []
    for number, text in enumerate(lines):
        mark = marks.get(number)
        if mark:
            start, end = mark["range"]["start"]["character"], mark["range"]["end"]["character"]
            code = (html.escape(text[:start]) + f'<span class=squiggle>{html.escape(text[start:end])}</span>'
                    + html.escape(text[end:]))
        else:
            code = _colour(text)
        if number == CURSOR[0]:
            code += "<span class=cursor></span>"
        rows.append(f"<div class=line><span class=no>{number + 1}</span><span class=code>{code}</span></div>")
        if mark:
            rows.append(f'<div class=problem>{html.escape(mark["message"])} '
                        f'<span class=src>{html.escape(mark.get("source", ""))}</span></div>')
        if number == CURSOR[0]:
            rows.append(_popup(items))
    return f"""<!doctype html><html><head><meta charset=utf-8><style>
@page {{ size: 190mm 113mm; margin: 0 }}
body {{ margin: 0; font: 9.5pt 'DejaVu Sans Mono', monospace; background: #fff; color: #1f1f1f }}
.title {{ font: 8.5pt 'DejaVu Sans', sans-serif; background: #ececec; padding: 2mm 4mm; color: #444;
         border-bottom: 1px solid #d0d0d0 }}
.editor {{ padding: 2mm 0 }} .line {{ white-space: pre; height: 5mm; line-height: 5mm }}
.no {{ display: inline-block; width: 10mm; text-align: right; padding-right: 4mm; color: #999 }}
.key {{ color: #0451a5 }} .comment {{ color: #008000 }} .value {{ color: #a31515 }}
.squiggle {{ text-decoration: underline wavy #e51400 }}
.cursor {{ border-left: 1.5px solid #000; margin-left: 0 }}
.problem {{ margin: 0.5mm 0 1.5mm 14mm; font: 8pt 'DejaVu Sans', sans-serif; color: #a1260d;
           background: #fdecea; border-left: 3px solid #e51400; padding: 1mm 2mm; width: 120mm }}
.src {{ color: #777 }}
.popup {{ margin: 0 0 1mm 14mm; display: flex; font: 8.5pt 'DejaVu Sans', sans-serif }}
.list {{ width: 52mm; border: 1px solid #c8c8c8; background: #f8f8f8 }}
.item {{ padding: 0.6mm 2mm; font-family: 'DejaVu Sans Mono', monospace }}
.item.selected {{ background: #cce4ff }} .icon {{ color: #8a5cc6; margin-right: 1.5mm }}
.doc {{ width: 70mm; border: 1px solid #c8c8c8; border-left: 0; background: #fff; padding: 2mm 3mm; color: #333 }}
.doc b {{ font-family: 'DejaVu Sans Mono', monospace; font-weight: normal; color: #0451a5 }}
.foot {{ font: 7.5pt 'DejaVu Sans', sans-serif; color: #666; padding: 1mm 4mm; border-top: 1px solid #ddd }}
</style></head><body>
<div class=title>content/topics/bill-of-rights.yaml in a project made by <code>coursepack new</code></div>
<div class=editor>{''.join(rows)}</div>
<div class=foot>Drawn from the replies of yaml-language-server {html.escape(version)} (the engine of VS Code's
YAML extension) to a completion request on line {CURSOR[0] + 1} and its diagnostics; a rendering, not a screenshot.</div>
</body></html>"""


def _popup(items: list) -> str:
    entries = []
    for index, item in enumerate(items[:9]):
        selected = " selected" if index == 0 else ""
        entries.append(f'<div class="item{selected}"><span class=icon>▪</span>{html.escape(item["label"])}</div>')
    first = items[0] if items else {}
    doc = first.get("documentation", "")
    doc = doc.get("value", "") if isinstance(doc, dict) else doc
    return (f'<div class=popup><div class=list>{"".join(entries)}</div>'
            f'<div class=doc><b>{html.escape(first.get("label", ""))}</b><br>{html.escape(doc)}</div></div>')


def _colour(text: str) -> str:
    if text.lstrip().startswith("#"):
        return f"<span class=comment>{html.escape(text)}</span>"
    key, sep, value = text.partition(":")
    if sep and key.strip().lstrip("- ").replace("_", "").isalnum():
        return f"<span class=key>{html.escape(key)}</span>:<span class=value>{html.escape(value)}</span>"
    return html.escape(text)


def main(server_js: str) -> None:
    from weasyprint import HTML

    from coursepack.scaffold import create_project

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "my-unit"
        create_project(root)
        module = root / "content" / "topics" / "bill-of-rights.yaml"
        module.write_text(MODULE)
        version, items, diagnostics = ask(server_js, root, module)
        assert items and diagnostics, "the language server gave no completion or no problem"
        pdf = Path(tmp) / "picture.pdf"
        HTML(string=draw(version, items, diagnostics)).write_pdf(pdf)
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(pdf), str(OUT.with_suffix(""))], check=True)
    print(f"wrote {OUT.relative_to(REPO)}: {len(items)} completions, {len(diagnostics)} problem(s), "
          f"yaml-language-server {version}")


if __name__ == "__main__":
    main(*sys.argv[1:])
