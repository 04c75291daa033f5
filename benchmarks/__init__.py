"""Benchmarks: how fast the sandbox answers a reader, against the limits of the same machine.

Run with ``python -m benchmarks`` (see ``benchmarks/README.md``). Nothing here is collected by
pytest: these are measurements with targets, not pass/fail tests.
"""
