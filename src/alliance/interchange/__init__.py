"""Import and export: CSV / XLSX for every entity, OC4IDS, OCDS, IATI, iCalendar feeds."""
