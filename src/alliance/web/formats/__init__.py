"""Date formats per language (``FORMAT_MODULE_PATH``): one format for a date in each language,
whether a template asks for ``DATE_FORMAT`` or ``SHORT_DATE_FORMAT``."""
