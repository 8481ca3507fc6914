"""Benchmark: how fast `coursepack build` and `coursepack packets` are, as ratios.

Run from the repository root:   python bench/build.py [--quick]
(needs bench/requirements.txt: `pip install -r bench/requirements.txt`).

One run prints, for the bundled example and for a generated large project (the
example plus a brief of 1,000 evidence cards, about 300 pages more):

  cold build         `coursepack build` with no build/ folder (whole process)
  no-op rebuild      the same again, nothing changed           (goal: <= 0.10 of cold)
  one-module edit    one topic that one pack uses, edited     (goal: <= 0.60 of cold)
  --jobs 1/--jobs 2  a cold build on one process and on two
  per page           CPU time a page of the cold build, against a plain document of
                     about as many pages rendered by WeasyPrint directly, in the same
                     run (goal: <= 1.2x); also against the same document tagged
                     PDF/UA-1, as coursepack's own PDFs are
  class set          `coursepack packets molotov-packet --roster rosters/period-3.csv`
                     against one packet (goal: <= 1.5x) and against Typst compiling a
                     packet of the same text and page count for each student (goal:
                     no more per page than Typst); and run again after one student
                     joins the roster, with the bodies in the build cache
  peak memory        the largest resident size of any process of the command

Every figure is one run of a whole process (`python -m coursepack ...`), timed
with os.wait4, which also counts the CPU of the printing worker processes.
Timings on a shared machine are noisy: the load average at the start and end
is printed with them. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from coursepack.scaffold import copy_example  # noqa: E402  (the checkout's, as the commands run)

PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000"}
PACKET = "molotov-packet"
ROSTER = "rosters/period-3.csv"
EDITED_MODULE = "content/topics/khrushchev-foreign-policy.yaml"  # only the khrushchev-unit pack uses it


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and every process it waited for
    rss: float  # MB, the largest resident size of any one of those processes
    out: str


def run(*args: str, cwd: Path = REPO, check: bool = True) -> Run:
    """Run a command to the end and measure it (os.wait4 counts its children too)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{out}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def coursepack(root: Path, *args: str) -> Run:
    return run(PYTHON, "-m", "coursepack", *args, cwd=root)


def pages_of(folder: Path) -> tuple[int, int]:
    """(files, pages) of the PDFs directly in `folder`."""
    from pypdf import PdfReader

    pdfs = sorted(folder.glob("*.pdf"))
    return len(pdfs), sum(len(PdfReader(pdf).pages) for pdf in pdfs)


def make_large(root: Path, cards: int = 1000) -> Path:
    """The example plus a brief of one debate with `cards` evidence cards in all."""
    copy_example(root)
    debate = yaml.safe_load((REPO / "content/debates/molotov-split.yaml").read_text())
    debate = copy.deepcopy(debate)
    debate["id"] = "big-debate"
    debate.pop("roles", None)
    existing = sum(len(c.get("cards", [])) for side in debate["sides"].values() for c in side["contentions"])
    remaining = cards - existing
    per_contention = 25
    sides = list(debate["sides"])
    number = 0
    while remaining > 0:
        side = debate["sides"][sides[number % 2]]
        model = side["contentions"][number // 2 % len(side["contentions"])]
        count = min(per_contention, remaining)
        side["contentions"].append({
            "id": f"{sides[number % 2]}-extra-{number}",
            "tag": f"{model['tag']} (argument {number + 1})",
            "argument": model.get("argument", ""),
            "cards": [dict(copy.deepcopy(model["cards"][index % len(model["cards"])]),
                           tag=f"{model['cards'][index % len(model['cards'])]['tag']} ({number + 1}.{index + 1})")
                      for index in range(count)],
        })
        remaining -= count
        number += 1
    (root / "content/debates/big-debate.yaml").write_text(yaml.safe_dump(debate, allow_unicode=True, sort_keys=False))
    config = yaml.safe_load((root / "coursepack.yaml").read_text())
    config["packs"].append({"id": "big-brief", "title": "A Brief of a Thousand Cards", "modules": ["big-debate"],
                            "layout": "brief", "editions": ["student"]})
    (root / "coursepack.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return root


def edit_one_module(root: Path) -> None:
    path = root / EDITED_MODULE
    text = path.read_text()
    path.write_text(text.replace("summary: |\n", "summary: |\n  An edited first sentence.\n", 1))


RAW_SCRIPT = textwrap.dedent('''
    import sys, pathlib
    from weasyprint import HTML
    html, out, variant = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3] or None
    document = HTML(filename=str(html)).render(pdf_variant=variant)
    out.write_bytes(document.write_pdf(pdf_variant=variant))
    print(len(document.pages))
''')


def raw_reference(folder: Path, pages: int, variant: str = "") -> tuple[Run, int]:
    """A plain document of about `pages` pages (headings and paragraphs of the example's
    own prose, the theme's fonts, letter pages), rendered by WeasyPrint directly, with
    its defaults (untagged) or as the PDF variant `variant` ("pdf/ua-1": tagged, as
    coursepack prints by default)."""
    prose = []
    for path in sorted((REPO / "content/topics").glob("*.yaml")):
        module = yaml.safe_load(path.read_text())
        prose += [p.strip().replace("**", "") for s in module.get("sections", []) for p in s["body"].split("\n\n")]
    prose = [re.sub(r"\s*\[@[^\]]*\]", "", p) for p in prose if p.strip() and not p.startswith(("|", "-", "#"))]
    fonts = (REPO / "templates/fonts").as_uri()
    body = []
    words = 0
    while words < pages * 480:  # about 480 words a page at 11 pt on letter paper
        paragraph = prose[len(body) % len(prose)]
        if len(body) % 6 == 0:
            body.append(f"<h2>Section {len(body) // 6 + 1}</h2>")
        body.append(f"<p>{paragraph}</p>")
        words += len(paragraph.split())
    html = folder / "raw.html"
    html.write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference</title><style>
      @font-face {{ font-family: Libertine; src: url({fonts}/LinLibertine_R.otf); }}
      @font-face {{ font-family: Libertine; font-weight: bold; src: url({fonts}/LinLibertine_RB.otf); }}
      @page {{ size: letter; margin: 1in; @bottom-center {{ content: counter(page); }} }}
      body {{ font-family: Libertine; font-size: 11pt; line-height: 1.35; }}
    </style></head><body>{''.join(body)}</body></html>""")
    measured = run(PYTHON, "-c", RAW_SCRIPT, str(html), str(folder / "raw.pdf"), variant)
    return measured, int(measured.out.split()[-1])


TYPST_SCRIPT = textwrap.dedent('''
    import pathlib, sys, typst
    compiler = typst.Compiler(root=str(pathlib.Path(sys.argv[2]).parent), font_paths=[sys.argv[1]])
    for source in sys.argv[2:]:
        pathlib.Path(source).with_suffix(".pdf").write_bytes(compiler.compile(input=source))
''')


def typst_class_set(folder: Path, packets: list[Path]) -> tuple[Run, int]:
    """Typst compiling the same class set: for each of our packets, a Typst document
    with the same text on the same pages (each page's lines in the same font, in a
    page-high block, so that the page count is the same), compiled in one process."""
    from pypdf import PdfReader

    def escaped(line: str) -> str:
        return re.sub(r'([\\#*_`$<>@\[\]"/~=-])', r"\\\1", line)

    sources = []
    for packet in packets:
        out = ['#set page(paper: "us-letter", margin: 0.6in, numbering: "1")',
               '#set text(font: "Linux Libertine O", size: 8pt)', "#set par(leading: 0.4em, spacing: 0.4em)"]
        for number, page in enumerate(PdfReader(packet).pages):
            lines = [escaped(line) for line in (page.extract_text() or "").splitlines() if line.strip()]
            if number:
                out.append("#pagebreak()")
            out.append("#block(height: 100%, width: 100%, clip: true)[" + (" \\\n".join(lines) or "#hide[.]") + "]")
        source = folder / f"typst-{len(sources)}.typ"
        source.write_text("\n".join(out) + "\n")
        sources.append(source)
    measured = run(PYTHON, "-c", TYPST_SCRIPT, str(REPO / "templates/fonts"), *map(str, sources))
    pages = sum(len(PdfReader(source.with_suffix(".pdf")).pages) for source in sources)
    return measured, pages


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}x" if b else "  -  "


def row(label: str, measured: Run, extra: str = "") -> None:
    print(f"  {label:<22}{measured.wall:7.2f} s wall {measured.cpu:7.2f} s CPU {measured.rss:6.0f} MB peak  {extra}")


def project_builds(name: str, root: Path, jobs: bool) -> tuple[Run, int]:
    """Cold build, no-op rebuild and one-module edit of the project in `root`; prints them."""
    shutil.rmtree(root / "build", ignore_errors=True)
    cold = coursepack(root, "build")
    files, pages = pages_of(root / "build")
    print(f"{name}: {files} PDFs, {pages} pages")
    row("cold build", cold, f"{cold.cpu / pages * 1000:5.0f} ms CPU a page")
    noop = coursepack(root, "build")
    row("no-op rebuild", noop, f"{ratio(noop.wall, cold.wall)} cold (goal <= 0.10)")
    edit_one_module(root)
    edit = coursepack(root, "build")
    row("one-module edit", edit, f"{ratio(edit.wall, cold.wall)} cold (goal <= 0.60)")
    if jobs:
        shutil.rmtree(root / "build")
        one = coursepack(root, "build", "--jobs", "1")
        row("cold, --jobs 1", one, f"--jobs 2 is {ratio(one.wall, cold.wall)} faster")
    return cold, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the example only: no large project")
    options = parser.parse_args()
    print(f"coursepack benchmark: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
          "(one run each; a busy machine makes every figure noisy)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        example = copy_example(tmp / "example")
        cold, pages = project_builds("example", example, jobs=True)

        raw, raw_pages = raw_reference(tmp, pages)
        print(f"raw WeasyPrint reference: {raw_pages} plain pages")
        row("raw WeasyPrint", raw, f"{raw.cpu / raw_pages * 1000:5.0f} ms CPU a page")
        per_page, raw_per_page = cold.cpu / pages, raw.cpu / raw_pages
        print(f"  example per page: {ratio(per_page, raw_per_page)} raw WeasyPrint's (CPU; goal <= 1.2)")
        tagged, tagged_pages = raw_reference(tmp, pages, "pdf/ua-1")
        row("raw, tagged PDF/UA-1", tagged, f"{tagged.cpu / tagged_pages * 1000:5.0f} ms CPU a page")
        print(f"  example per page: {ratio(per_page, tagged.cpu / tagged_pages)} raw WeasyPrint's tagged the same way")

        print("class set: coursepack packets molotov-packet --roster rosters/period-3.csv")
        shutil.rmtree(example / "build")
        one = coursepack(example, "build", "--pack", PACKET, "--no-cache")
        _, one_pages = pages_of(example / "build")
        row("one packet", one, f"{one_pages} pages")
        packets = coursepack(example, "packets", PACKET, "--roster", ROSTER, "--force", "--no-cache")
        files, set_pages = pages_of(example / "build/packets" / PACKET)
        row("class set", packets, f"{files} packets, {set_pages} pages, {ratio(packets.wall, one.wall)} one packet (goal <= 1.5)")
        typst, typst_pages = typst_class_set(tmp, sorted((example / "build/packets" / PACKET).glob("*.pdf")))
        row("Typst, same packets", typst, f"{typst_pages} pages")
        ours, theirs = packets.wall / set_pages, typst.wall / typst_pages
        print(f"  per page: coursepack {ours * 1000:.1f} ms, Typst {theirs * 1000:.1f} ms: {ratio(ours, theirs)} Typst's (goal <= 1.0)")
        # A teacher's next run: one student joins; the bodies come from the build cache.
        coursepack(example, "packets", PACKET, "--roster", ROSTER, "--force")  # fills the cache
        roster = example / ROSTER
        roster.write_text(roster.read_text().rstrip("\n") + "\nZoe Zhang,3,pro,\n")
        again = coursepack(example, "packets", PACKET, "--roster", ROSTER, "--force")
        _, again_pages = pages_of(example / "build/packets" / PACKET)
        row("class set, one added", again, f"{ratio(again.wall, one.wall)} one packet (bodies from the cache); "
            f"{again.wall / again_pages * 1000:.1f} ms a page, {ratio(again.wall / again_pages, theirs)} Typst's")

        if not options.quick:
            large_cold, large_pages = project_builds("large project (the example + a brief of 1,000 cards)",
                                                     make_large(tmp / "large"), jobs=False)
            print(f"  large project per page: {ratio(large_cold.cpu / large_pages, raw_per_page)} raw WeasyPrint's (CPU)")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
