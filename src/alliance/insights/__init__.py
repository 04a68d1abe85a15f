"""Alliance insights: the pure-Python analytics engine.

Takes plain dataclasses and numpy arrays, returns plain results, and imports no
Django (a test proves it), so it can be used, tested and benchmarked without a
database. Every model's parameters live in :mod:`alliance.insights.parameters`
and every model is explained in ``docs/insights.md``.
"""
