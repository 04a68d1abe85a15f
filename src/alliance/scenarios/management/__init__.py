"""Management commands of the scenarios app (demo scenario, scale generator)."""
