"""Entities, code lists and rules of Passerelle. Pure Python: imports nothing of the app."""
