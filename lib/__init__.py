"""Helpers with no models and no app imports (calendar arithmetic, formatting)."""
