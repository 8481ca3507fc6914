"""Benchmark: 500 citations and a 200-entry bibliography in Chicago author-date.

    python bench/citations.py [--citations 500] [--sources 200] [--style chicago-author-date] [--repeat 3]

Formats one document the way a build does: the citations are written in prose
(Pandoc syntax, with locators, prefixes, groups, narrative citations), rendered by
prose.ProseRenderer into placeholders, then Bibliography.resolve formats all of
them and the bibliography of every source in one pandoc run. Prints the best of
`--repeat` runs for: the Markdown rendering, the pandoc run (wall and CPU time:
pandoc runs single-threaded, so its CPU time is what it costs on an idle machine),
and the whole.
The goal is under 2 s for the citations.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coursepack.citations import Bibliography  # noqa: E402
from coursepack.prose import ProseRenderer  # noqa: E402

FAMILIES = ["Conquest", "Taubman", "Lüthi", "Radchenko", "Zubok", "Fursenko", "Naftali", "Gaddis", "Westad",
            "Chen", "毛", "佐藤", "Kramer", "Service", "Khlevniuk", "Fitzpatrick", "Harrison", "Brown"]
GIVEN = ["Robert", "William", "Lorenz M.", "Sergey", "Vladislav", "Aleksandr", "Timothy", "John Lewis", "Odd Arne"]


def sources(count: int, rng: random.Random) -> dict[str, dict]:
    """`count` invented sources of the common types; some authors share a year (2003a/b)."""
    result = {}
    for index in range(count):
        key = f"src{index}"
        authors = [{"family": rng.choice(FAMILIES), "given": rng.choice(GIVEN)} for _ in range(rng.choice([1, 1, 2, 3]))]
        year = 1950 + rng.randrange(60)
        kind = rng.choice(["book", "article-journal", "chapter", "article-newspaper", "webpage"])
        item = {"type": kind, "author": authors, "title": f"An Invented Study Number {index}",
                "issued": {"date-parts": [[year]]}}
        if kind == "book":
            item.update(publisher="Example University Press", **{"publisher-place": "New York"})
        elif kind == "article-journal":
            item.update(**{"container-title": "Journal of Examples"}, volume=str(rng.randrange(1, 40)),
                        issue=str(rng.randrange(1, 5)), page=f"{rng.randrange(1, 200)}-{rng.randrange(201, 400)}")
        elif kind == "chapter":
            item.update(**{"container-title": "An Edited Volume"}, editor=[{"family": "Editor", "given": "Eve"}],
                        publisher="Example Press", page="33-58")
        elif kind == "article-newspaper":
            item.update(**{"container-title": "The Example Times"})
            item["issued"] = {"date-parts": [[year, rng.randrange(1, 13), rng.randrange(1, 28)]]}
        else:
            item.update(URL=f"https://example.org/page/{index}", accessed={"date-parts": [[2024, 5, 1]]})
        result[key] = item
    return result


def prose_with_citations(keys: list[str], count: int, rng: random.Random) -> str:
    """Paragraphs holding `count` citations in the forms teachers write."""
    forms = [
        lambda a, b: f"[@{a}, p. {rng.randrange(1, 300)}]",
        lambda a, b: f"[see @{a}, chap. {rng.randrange(1, 12)}; @{b}]",
        lambda a, b: f"@{a} argues",
        lambda a, b: f"@{a} [p. {rng.randrange(1, 300)}]",
        lambda a, b: f"[-@{a}, pp. 33-35 and *passim*]",
        lambda a, b: f"[@{a} p. 4, *emphasis added*]",
    ]
    sentences = [f"A sentence {rng.choice(forms)(rng.choice(keys), rng.choice(keys))}." for _ in range(count)]
    return "\n\n".join(" ".join(sentences[i:i + 5]) for i in range(0, count, 5))


def run_once(items: dict, text: str, style: str) -> tuple[float, float, float]:
    """(seconds rendering Markdown, wall seconds of the pandoc run, CPU seconds pandoc used)"""
    started = time.perf_counter()
    bibliography = Bibliography(items, style)
    prose = ProseRenderer(bibliography)
    html = prose.block(text)
    entries = bibliography.entries(list(items))
    rendered = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    document = bibliography.resolve(html + "\n".join(entries))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = time.perf_counter()
    assert "\uf8f0" not in document and bibliography.pandoc_runs == 1
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return rendered - started, finished - rendered, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citations", type=int, default=500)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--style", default="chicago-author-date")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(1961)
    items = sources(args.sources, rng)
    text = prose_with_citations(list(items), args.citations, rng)
    runs = [run_once(items, text, args.style) for _ in range(args.repeat)]
    markdown, pandoc, cpu = (min(run[index] for run in runs) for index in range(3))
    print(f"{args.citations} citations, {args.sources}-entry bibliography, {args.style}, best of {args.repeat}:")
    print(f"  Markdown and placeholders: {markdown:.2f} s")
    print(f"  one pandoc run (citations and bibliography): {pandoc:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  total: {markdown + pandoc:.2f} s wall (load average now {os.getloadavg()[0]:.1f}: on a busy "
          "machine the wall time is the CPU time stretched by waiting)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
