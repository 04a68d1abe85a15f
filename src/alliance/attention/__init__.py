"""Attention: what needs someone now, counted and listed the same way on every page.

``selectors`` holds the one definition of each attention count (overdue commitments,
grievances unanswered past their response date, open warnings by severity, commitments due
this week) that the portfolio, the overview, the rules panel, the briefs and the digests read,
and the inbox ("My week") that lists the items behind them.
"""
