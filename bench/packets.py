"""Benchmark: a class set of packets, stitched vs. laid out in full.

Run from the repository root:  python bench/packets.py
It copies the example project to a temporary folder, then times, in one run:
  one    the generic packet (coursepack build --pack molotov-packet)
  class  `coursepack packets` for the example roster (shared pages once, fronts per student)
  full   the same packets, each laid out whole (what a per-student template would cost)
and prints the times and their ratios. Not part of the test suite: timings vary by machine.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coursepack.pipeline.build import build  # noqa: E402
from coursepack.pipeline.packets import make_packets  # noqa: E402
from coursepack.pipeline.plan import student_job  # noqa: E402
from coursepack.pipeline.produce import PdfPrinter, produce_jobs  # noqa: E402
from coursepack.project import load_project  # noqa: E402
from coursepack.render import make_environment  # noqa: E402
from coursepack.roster import read_roster  # noqa: E402
from coursepack.scaffold import copy_example  # noqa: E402

PACK = "molotov-packet"
ROSTER = "rosters/period-3.csv"


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_example(Path(tmp) / "example")

        one, _ = timed(lambda: build(root, [PACK]))
        stitched, result = timed(lambda: make_packets(root, PACK, root / ROSTER, force=True))

        def full():
            project = load_project(root)
            pack = project.pack(PACK)
            debates = [project.modules[m] for m in pack.modules if getattr(project.modules[m], "kind", "") == "debate"]
            students = read_roster(root / ROSTER, ROSTER, debates).students
            jobs = [student_job(project, pack, s) for s in students]
            return list(produce_jobs(project, make_environment(project), jobs, PdfPrinter(project.root)))

        whole, printed = timed(full)
        students = len(result.packets)
        pages = sum(packet.pages for packet in result.packets)
        print(f"{students} students, {pages} pages in all")
        print(f"one packet            {one:6.2f} s")
        print(f"class set, stitched   {stitched:6.2f} s   {stitched / one:5.1f} x one packet")
        print(f"class set, laid out   {whole:6.2f} s   {whole / one:5.1f} x one packet")
        print(f"stitching is {whole / stitched:.1f} x faster than laying out every packet")
        assert pages == sum(p.pages for p in printed), "both ways must print the same number of pages"


if __name__ == "__main__":
    main()
