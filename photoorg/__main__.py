"""`python -m photoorg`."""

from photoorg.cli import main

if __name__ == "__main__":  # the app's engine process imports this module again (spawn)
    raise SystemExit(main())
