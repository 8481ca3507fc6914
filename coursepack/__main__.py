"""`python -m coursepack` and the `coursepack` command.

The click app lives in the repository's top-level cli.py. A wheel carries it
as coursepack/_cli.py; a source checkout (editable install, or tests run from
the repository) imports it from the top level.
"""
try:
    from coursepack._cli import main
except ModuleNotFoundError:
    from cli import main

if __name__ == "__main__":
    main()
