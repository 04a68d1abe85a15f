"""``demo_load`` and ``generate``."""
