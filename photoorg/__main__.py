"""`python -m photoorg`."""

from photoorg.cli import main

raise SystemExit(main())
