"""Benchmark: what tagging (PDF/UA-1) costs over untagged PDF, on the example project.

Run from the repository root:  python bench/tagging.py
It renders the HTML of every PDF of the example once, then prints each document
untagged (pdf: {standard: none}) and tagged (ua-1, the default), one after the other
in this one process, and reports the CPU time of each and their ratio. CPU time
(not wall time) so that other work on the machine does not distort the figure.
The budget is 1.15x. Not part of the test suite: timings vary by machine.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coursepack.outputs.pdf import PdfRenderer  # noqa: E402
from coursepack.pipeline.plan import plan  # noqa: E402
from coursepack.pipeline.render import render_html  # noqa: E402
from coursepack.project import load_project  # noqa: E402
from coursepack.scaffold import copy_example  # noqa: E402
from coursepack.render import make_environment, theme_dir  # noqa: E402

BUDGET = 1.15


def cpu(action):
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(Path(folder) / "example")
        project = load_project(root)
        jobs = plan(project)
        env = make_environment(project)
        documents = [render_html(env, project, job) for job in jobs]
        renderers = {standard: PdfRenderer([root, theme_dir()], standard=standard) for standard in ("none", "ua-1")}
        # Warm up both (fonts, WeasyPrint's first-use caches) on the smallest document.
        smallest = min(documents, key=len)
        for renderer in renderers.values():
            renderer.render(smallest, root)
        totals = {"none": 0.0, "ua-1": 0.0}
        print(f"{'file':34} {'pages':>5} {'untagged':>9} {'tagged':>8} {'ratio':>6}")
        for job, html in zip(jobs, documents):
            seconds = {}
            for standard, renderer in renderers.items():
                seconds[standard], printed = cpu(lambda: renderer.render(html, root))
                totals[standard] += seconds[standard]
            print(f"{job.path.name:34} {printed.pages:5} {seconds['none']:8.2f}s {seconds['ua-1']:7.2f}s "
                  f"{seconds['ua-1'] / seconds['none']:5.2f}x")
        ratio = totals["ua-1"] / totals["none"]
        print(f"{'all ' + str(len(jobs)) + ' PDFs':34} {'':5} {totals['none']:8.2f}s {totals['ua-1']:7.2f}s "
              f"{ratio:5.2f}x  (budget {BUDGET}x: {'within' if ratio <= BUDGET else 'OVER'})")


if __name__ == "__main__":
    main()
