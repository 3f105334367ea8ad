"""photoorg: a desktop photo organizer. Importing this package is cheap."""

__version__ = "0.2.0.dev0"
