"""Alliance: turn a signed international agreement into a durable partnership."""

__version__ = "0.1.0"
