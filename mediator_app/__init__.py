"""Passerelle: the desk tool of digital-inclusion mediators."""

__version__ = "0.1.0"
APP_NAME = "Passerelle"
