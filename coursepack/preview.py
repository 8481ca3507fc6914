"""`coursepack preview`: serve the project's PDFs locally and rebuild them on every save.

Three threads share one `Preview`: an HTTP server bound to 127.0.0.1 (a page that
links every PDF in build/, a small status endpoint the page polls to reload
itself, and the PDFs), a watcher (watchfiles) that queues the files the user
saves, and a builder that rebuilds only the packs a changed file is part of.
A content error is shown on the page with its location and the server stays up;
since a build with a content or template mistake writes nothing, the last good
PDFs go on being served.
Only regular files inside build/ are ever served.
"""
from __future__ import annotations

import html
import json
import signal
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import CoursepackError, UsageError
from .loader import CONTENT_DIR, PROJECT_FILE, SPECIAL_CONTENT_FILES
from .pipeline.build import build, check
from .pipeline.plan import OUTPUT_DIR, output_suffixes
from .project import load_project
from .yamlio import load_yaml

HOST = "127.0.0.1"  # never another interface: the PDFs may hold a class list
EVERYTHING = "*"  # a queued change that needs every pack rebuilt (the first build, say)
# Folders whose files never change a PDF: the class lists (read by `packets` only), the
# editor's files and our own output.
_NOT_INPUTS = ("rosters", ".coursepack", ".vscode", ".git", OUTPUT_DIR)


@dataclass
class Status:
    """What the page shows. `generation` grows by one whenever any of it changes."""

    generation: int = 0
    version: int = 0  # grows when the PDFs or the problems change: the page reloads then
    building: bool = False
    partly: bool = False  # the student editions are rebuilt, the others are being built
    changed: list[str] = field(default_factory=list)  # the files behind the last build
    packs: Optional[list[str]] = None  # the packs it rebuilt: None every pack, [] none (only checked)
    problems: list[str] = field(default_factory=list)  # `path:line:col: message` lines
    written: list[str] = field(default_factory=list)  # build/... files the last good build wrote
    seconds: float = 0.0  # how long the last build took
    focus: str = ""  # the anchor of the module the last change was to: the frame opens there
    finished: str = ""  # local time the last build ended, HH:MM:SS


class Preview:
    """A running preview of the project in `root`.

    `pack_ids` limits it to those packs (default: every pack). `port` 0 picks a free
    port; `url` tells which. `log` receives one line per build for the terminal.
    Raises UsageError when the port is taken or a pack id is unknown.
    Use `start()` and `stop()`, or `run()`, which blocks until Ctrl-C."""

    def __init__(self, root: Path, pack_ids: Iterable[str] = (), port: int = 8000,
                 log: Callable[[str], None] = lambda line: None):
        self.root = Path(root).resolve()
        self.out = self.root / OUTPUT_DIR
        self.pack_ids = list(pack_ids)
        self.log = log
        self.status = Status()
        self._lock = threading.Condition()
        self._pending: set[str] = {EVERYTHING}  # the first build makes every selected pack
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._check_packs()
        try:
            self.httpd = ThreadingHTTPServer((HOST, port), _handler_for(self))
        except OSError as error:
            raise UsageError(f"cannot serve on {HOST}:{port} ({error.strerror}); "
                             "choose another port with --port N (0 picks a free one)") from None
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    # -- running -------------------------------------------------------------

    def start(self) -> None:
        """Serve, watch and build in background threads; returns at once."""
        for target in (self.httpd.serve_forever, self._watch, self._build_loop):
            thread = threading.Thread(target=target, name=f"preview-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def run(self) -> None:
        """Start, then wait until Ctrl-C (KeyboardInterrupt) or SIGTERM and stop cleanly."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda number, frame: self._stop.set())
        self.start()
        try:
            while not self._stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, watching and building; waits for a build under way to finish
        (its PDFs are written atomically either way)."""
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        if self._threads:  # shutdown() waits for serve_forever(), which only start() began
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=30)

    # -- watching and building -------------------------------------------

    def _watch(self) -> None:
        from watchfiles import DefaultFilter, watch

        watch_filter = DefaultFilter(ignore_paths=[str(self.out)])
        for changes in watch(self.root, watch_filter=watch_filter, stop_event=self._stop,
                             debounce=200, step=50, raise_interrupt=False):
            # A file that is gone again and has no extension is an editor's or a tool's
            # scratch file (vim's 4913, sed -i's sedXXXXXX), not the user's content.
            names = {self._relative(path) for _, path in changes if Path(path).suffix or Path(path).exists()}
            names.discard(None)
            if names:
                with self._lock:
                    self._pending |= names
                    self._lock.notify_all()

    def _build_loop(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._stop.is_set():
                    self._lock.wait()
                if self._stop.is_set():
                    return
                changed, self._pending = self._pending, set()
                self.status.building = True
                self._bump()
            self._rebuild(sorted(changed))

    def _rebuild(self, changed: list[str]) -> None:
        """Rebuild what `changed` touches: the student editions first, then the others,
        so that the PDF looked at most often is served as soon as it is ready."""
        packs = packs_to_rebuild(self.root, changed, self.pack_ids)
        started = time.monotonic()
        written: list[str] = []
        problems: list[str] = []
        phases = [] if packs == [] else build_phases(self.root, packs if packs is not None else self.pack_ids)
        try:
            if not phases:  # nothing printed uses the file: still check it, to show its mistakes
                check(self.root)
            for number, (pack_ids, editions) in enumerate(phases):
                written += [b.path.relative_to(self.root).as_posix() for b in build(self.root, pack_ids, editions)]
                if number < len(phases) - 1:
                    with self._lock:
                        self.status.written, self.status.problems, self.status.partly = list(written), [], True
                        self.status.version += 1
                        self._bump()
        except CoursepackError as error:
            problems = [str(problem) for problem in error.problems]
        except Exception as error:  # the server stays up; the page says what happened
            problems = [f"coursepack: unexpected error ({type(error).__name__}: {error}); please report it"]
        seconds = time.monotonic() - started
        with self._lock:
            status = self.status
            status.building, status.partly, status.problems, status.seconds = False, False, problems, seconds
            status.changed = [] if EVERYTHING in changed else changed
            status.focus = _module_anchor(self.root, changed)
            status.packs = self.pack_ids or None if packs is None else packs
            status.finished = time.strftime("%H:%M:%S")
            if written:
                status.written = written
            status.version += 1
            self._bump()
        what = ", ".join(status.changed) or "start"
        if problems:
            self.log(f"{what}: {len(problems)} problem(s); the page shows them, the last good PDFs stay served")
        elif written:
            self.log(f"{what}: rebuilt {len(written)} PDF(s) in {seconds:.1f} s")

    def _bump(self) -> None:
        self.status.generation += 1
        self._lock.notify_all()

    def _relative(self, path: str) -> Optional[str]:
        try:
            relative = Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None
        return None if relative.split("/")[0] in _NOT_INPUTS else relative

    def _check_packs(self) -> None:
        """An unknown --pack is the user's typing mistake: say so before serving. Content
        errors are for the page, so they do not stop the preview from starting."""
        if not self.pack_ids:
            return
        try:
            project = load_project(self.root)
        except CoursepackError:
            return
        for pack_id in self.pack_ids:
            project.pack(pack_id)

    # -- what the server shows -------------------------------------------

    def pdfs(self) -> list[Path]:
        """The PDFs in build/ of the packs previewed: in the order of coursepack.yaml, each
        pack's student edition first."""
        if not self.out.is_dir():
            return []
        try:
            config = _data(self.root / PROJECT_FILE)
            order = [str(pack["id"]) for pack in config["packs"]]
        except Exception:
            order = []
        shown = self.pack_ids or order
        files = [file for file in self.out.glob("*.pdf")
                 if not self.pack_ids or any(_of_pack(file.name, pack_id) for pack_id in self.pack_ids)]
        place = {file: next((i for i, pack_id in enumerate(shown) if _of_pack(file.name, pack_id)), len(shown))
                 for file in files}
        def rank(file: Path) -> tuple:
            stem = file.stem.split("-")[-1]
            return (place[file], {"teacher": 1, "judge": 2}.get(stem, 0 if file.stem in shown else 3), file.name)

        return sorted(files, key=rank)

    def served_file(self, url_path: str) -> Optional[Path]:
        """The file inside build/ that `url_path` (/pdf/<name>, percent-encoded) names,
        or None: anything outside build/, hidden, not a PDF or not a regular file."""
        if not url_path.startswith("/pdf/"):
            return None
        name = unquote(url_path[len("/pdf/"):], errors="strict")
        parts = PurePosixPath(name).parts
        if not parts or "\\" in name or "\x00" in name or any(p in ("..", ".") or p.startswith(".") for p in parts):
            return None
        file = (self.out / name).resolve()
        if not file.is_relative_to(self.out.resolve()) or file.suffix != ".pdf" or not file.is_file():
            return None
        return file

    def page(self, show: str = "") -> str:
        """The preview page: the status, any problems, a link to every PDF, and the PDF
        named `show` (default: the first) in a frame, so that the reload after a rebuild
        shows its new version."""
        with self._lock:
            status = self.status
            side = [f"<h1>{html.escape(self._title())}</h1>", f"<p id=status>{_status_line(status)}</p>"]
            if status.problems:
                side.append("<section class=problems><h2>Problems: the PDFs are from the last "
                            "good build</h2><pre>" + html.escape("\n".join(status.problems)) + "</pre></section>")
            version = status.version
        pdfs = self.pdfs()
        shown = next((f for f in pdfs if f.name == show), pdfs[0] if pdfs else None)
        links = []
        for file in pdfs:
            current = ' aria-current="page"' if file == shown else ""
            links.append(f'<li><a href="/?show={_quote(file.name)}"{current}>{html.escape(file.name)}</a> '
                         f'<small>{_size(file)} · <a href="{_pdf_url(file)}" target="_blank">own tab</a></small></li>')
        side.append("<ul>" + "".join(links) + "</ul>" if links else "<p>No PDF yet.</p>")
        # Named destinations: WeasyPrint writes one for each id, so #nameddest=m-<module id>
        # opens the frame at the chapter just edited (PDF viewers ignore an unknown one).
        focus = f"#nameddest={_quote(status.focus)}" if status.focus else ""
        frame = (f'<iframe src="{_pdf_url(shown)}{focus}" title="{html.escape(shown.name)}"></iframe>'
                 if shown else "")
        return (_PAGE.replace("{{side}}", "\n".join(side)).replace("{{frame}}", frame)
                .replace("{{version}}", str(version)))

    def _title(self) -> str:
        data = _data(self.root / PROJECT_FILE)
        return str(data.get("title")) if isinstance(data, dict) and data.get("title") else self.root.name

    def status_json(self) -> bytes:
        with self._lock:
            return json.dumps({"generation": self.status.generation, "version": self.status.version,
                               "building": self.status.building, "problems": len(self.status.problems),
                               "line": html.unescape(_status_line(self.status))}).encode()


def build_phases(root: Path, pack_ids: Optional[list[str]]) -> list[tuple[Optional[list[str]], Optional[list[str]]]]:
    """The builds that remake `pack_ids` (None or []: every pack), as (pack ids, editions)
    arguments of `build`: the student editions first, then the teacher and judge editions
    (with the role-card sheets, which belong to the teacher). A pack with only a student
    edition gets its role cards with it. When coursepack.yaml cannot be read, or names no
    such pack, one build of them all, which reports what is wrong."""
    try:
        config = _data(root / PROJECT_FILE)
        editions = {str(p["id"]): list(p.get("editions") or ["student"]) for p in config["packs"]}
    except Exception:
        return [(pack_ids or None, None)]
    wanted = [pack_id for pack_id in (pack_ids or editions) if pack_id in editions]
    if len(wanted) < len(pack_ids or ()):  # an unknown pack: let build say so
        return [(pack_ids, None)]
    student_only = [p for p in wanted if set(editions[p]) == {"student"}]
    mixed = [p for p in wanted if "student" in editions[p] and p not in student_only]
    others = [p for p in wanted if set(editions[p]) - {"student"}]
    phases = []
    if mixed:
        phases.append((mixed, ["student"]))
    if student_only:  # a pack with only a student edition: its role cards come with it
        phases.append((student_only, ["student", "teacher"]))
    if others:
        phases.append((others, ["teacher", "judge"]))
    return phases


def packs_to_rebuild(root: Path, changed: list[str], pack_ids: list[str]) -> Optional[list[str]]:
    """The ids of the packs that use any of the `changed` files (paths relative to `root`).

    None means every pack previewed (a change to coursepack.yaml, the sources, the
    glossary, templates or formats, a file that cannot be read, or EVERYTHING); [] means
    none (a module no pack lists, an image no module shows). A module is matched by
    its id (or file name), an asset by its path appearing in a module or the project file."""
    selected = list(pack_ids)
    if EVERYTHING in changed:
        return selected or None
    try:
        config = _data(root / PROJECT_FILE)
        packs = {str(p["id"]): [str(m) for m in p.get("modules") or []] for p in config["packs"]}
    except Exception:  # the build reports what is wrong with the project file
        return selected or None
    if selected:
        packs = {pack_id: modules for pack_id, modules in packs.items() if pack_id in selected}
    wanted: set[str] = set()
    for name in changed:
        modules = _modules_using(root, name)
        if modules is None:
            return selected or None
        wanted |= {pack_id for pack_id, listed in packs.items() if set(listed) & modules}
    return [pack_id for pack_id in packs if pack_id in wanted]


def _modules_using(root: Path, name: str) -> Optional[set[str]]:
    """The ids of the modules a changed file is part of; None when every pack may be."""
    parts = name.split("/")
    if parts[0] == CONTENT_DIR and name.endswith((".yaml", ".yml")) and not (
            len(parts) == 2 and parts[1] in SPECIAL_CONTENT_FILES):
        file = root / name
        if not file.exists():
            return None  # deleted or renamed: packs listing it must say so
        data = _data(file)
        if data is None:
            return None  # the build says what is wrong with it
        module_id = data.get("id") if isinstance(data, dict) else None
        return {str(module_id) if module_id else file.stem}
    if parts[0] == "assets" and len(parts) > 1:
        if name in _text(root / PROJECT_FILE):
            return None  # a logo or stylesheet of the theme
        users = set()
        for module in (root / CONTENT_DIR).rglob("*.y*ml"):
            if name in _text(module):
                users.add(module.stem)
                data = _data(module)
                if data is None:
                    return None
                if isinstance(data, dict) and data.get("id"):
                    users.add(str(data["id"]))
        return users
    if len(parts) == 1 and name.lower().endswith((".md", ".txt")):
        return set()  # notes beside the project, such as its README
    return None


def _module_anchor(root: Path, changed: list[str]) -> str:
    """`m-<module id>`, the anchor of a module's chapter (templates/parts/), when the
    change was to one module file; else ""."""
    if len(changed) != 1 or not changed[0].startswith(CONTENT_DIR + "/"):
        return ""
    ids = _modules_using(root, changed[0])
    return f"m-{next(iter(ids))}" if ids and len(ids) == 1 and changed[0].endswith((".yaml", ".yml")) else ""


def _data(file: Path) -> Any:
    """A YAML file's data as the build reads it (yamlio: YAML 1.2, so `id: no` is text),
    or None when it cannot be read; the build reports why."""
    try:
        return load_yaml(file, file.name, allow_empty=True).data
    except CoursepackError:
        return None


def _text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _of_pack(file_name: str, pack_id: str) -> bool:
    """Whether a PDF in build/ is one of the pack's (an edition, the role sheet, the booklet)."""
    stem = file_name[:-len(".pdf")]
    return stem.startswith(pack_id) and stem[len(pack_id):] in output_suffixes()


def _quote(name: str) -> str:
    from urllib.parse import quote
    return quote(name)


def _pdf_url(file: Path) -> str:
    """The PDF's address, changed by every rebuild so that the browser fetches it anew."""
    return f"/pdf/{_quote(file.name)}?v={file.stat().st_mtime_ns}"


def _size(file: Path) -> str:
    return f"{file.stat().st_size / 1024:.0f} KB"


def _status_line(status: Status) -> str:
    if status.building:
        return "Student editions rebuilt; building the other editions…" if status.partly else "Building…"
    if not status.finished:
        return "Starting…"
    what = f" after a change to {html.escape(', '.join(status.changed))}" if status.changed else ""
    count = len(status.problems)
    if count:
        return (f"{count} problem{'s' if count > 1 else ''} found{what} at {status.finished}; "
                f"fix {'it' if count == 1 else 'them'} and save.")
    if status.packs == []:
        return f"Checked{what} at {status.finished}: no PDF uses it, so none was rebuilt."
    packs = html.escape(", ".join(status.packs)) if status.packs else "every pack"
    return f"Rebuilt {packs}{what} at {status.finished} in {status.seconds:.1f} s. Saving a file rebuilds what uses it."


def _handler_for(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        server_version = "coursepack-preview"

        def do_GET(self) -> None:  # noqa: N802 (the http.server name)
            if not self._local_host():
                return self._send(HTTPStatus.FORBIDDEN, b"forbidden", "text/plain")
            path = urlsplit(self.path).path
            if path == "/":
                show = parse_qs(urlsplit(self.path).query).get("show", [""])[0]
                return self._send(HTTPStatus.OK, preview.page(show).encode(), "text/html; charset=utf-8")
            if path == "/status":
                return self._send(HTTPStatus.OK, preview.status_json(), "application/json")
            try:
                file = preview.served_file(path)
            except UnicodeDecodeError:
                file = None
            if file is None:
                return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            try:
                data = file.read_bytes()  # PDFs are replaced atomically: old or new, never half
            except OSError:
                return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            self._send(HTTPStatus.OK, data, "application/pdf")

        def _local_host(self) -> bool:
            """Only requests addressed to this machine: a web page elsewhere cannot make the
            browser read the PDFs through a name that resolves here (DNS rebinding)."""
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            return host in ("127.0.0.1", "localhost", "")

        def _send(self, status: HTTPStatus, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass  # the terminal shows builds, not every request

    return Handler


_PAGE = """<!doctype html>
<html lang=en><head><meta charset=utf-8><title>coursepack preview</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #222; display: flex; height: 100vh }
aside { width: 22rem; padding: 0 1rem; overflow: auto; border-right: 1px solid #ddd }
iframe { flex: 1; border: 0; height: 100vh }
h1 { font-size: 1.3rem } ul { padding-left: 1.2rem } li { margin: .3rem 0 } small { color: #666 }
a[aria-current] { font-weight: bold }
.problems { border-left: 4px solid #b00020; background: #fff4f4; padding: .2rem 1rem }
.problems h2 { font-size: 1rem; color: #b00020 } pre { white-space: pre-wrap; font-size: 13px }
</style></head>
<body>
<aside>
{{side}}
</aside>
{{frame}}
<script>
const seen = {{version}};
async function poll() {
  try {
    const status = await (await fetch("/status", {cache: "no-store"})).json();
    if (status.version !== seen) { location.reload(); return; }
    document.getElementById("status").textContent = status.line;
  } catch (e) { document.getElementById("status").textContent = "The preview has stopped."; return; }
  setTimeout(poll, 500);
}
setTimeout(poll, 500);
</script>
</body></html>
"""
