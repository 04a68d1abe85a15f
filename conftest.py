"""Test-wide set-up lives in ``alliance.testing`` (loaded early with ``-p``, see pyproject)."""
