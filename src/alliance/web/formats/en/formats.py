"""English dates: one format everywhere, day first with the month's short name (``12 March
2027``, ``1 Dec. 2026``): unambiguous on both sides of the Atlantic, short enough for a phone."""

DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATETIME_FORMAT = "j N Y, H:i"
MONTH_DAY_FORMAT = "j N"
