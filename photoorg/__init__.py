"""photoorg: a desktop photo organizer. Importing this package is cheap."""

__version__ = "0.1.0"
