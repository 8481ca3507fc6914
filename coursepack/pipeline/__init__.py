"""The pipeline every command runs, one module a step:

    plan.py     what to make: a list of Jobs (pack, edition, layout, output, path)
    render.py   a Job -> its HTML
    produce.py  HTML -> Printed (pdf, pages, warnings, refused, files read) -> finished bytes
    write.py    atomic writes
    build.py    `coursepack build` and `check`
    packets.py  `coursepack packets`: the same steps, per student, stitched

The commands' entry points are `build.build`, `build.check` and `packets.make_packets`.
"""
