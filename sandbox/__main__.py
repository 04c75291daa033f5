"""``python -m sandbox`` is the ``ds24-sandbox`` command."""

from sandbox.cli import main

raise SystemExit(main())
