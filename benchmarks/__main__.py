"""``python -m benchmarks``: run every measurement, print the table, write the dated JSON."""

from benchmarks.run import main

raise SystemExit(main())
