"""The cockpit: server-rendered pages with HTMX partials, read through the access policy and
written through the domain services.

- ``urls.py`` — every page; each cockpit tab has its own URL (full page, or the ``tab``
  partial for an HTMX request).
- ``views/`` — ``portfolio``, ``cockpit`` (overview, parties, expectations, trust),
  ``work`` (commitments, interactions and the quick log, risks, local integration,
  grievances), ``parties`` (party page, "Before you meet…"), ``search``, ``edit`` (create /
  edit / delete of every entity, driven by ``entities.py``).
- ``selectors.py``, ``party_selectors.py`` — page-feeding reads, a fixed number of queries
  each, every queryset from ``accounts.policy``.
- ``insights.py``, ``insight_figures.py`` — the stored insight snapshots and what the tabs
  draw from them ("not computed yet" without one).
- ``filters.py`` (one django-filter class per list), ``forms/``, ``templatetags/``,
  ``templates/web/`` (``cockpit/``, ``insights/`` one partial per panel, ``partials/``),
  ``static/`` (``vendor/`` holds htmx and Plotly, see its README).
"""
