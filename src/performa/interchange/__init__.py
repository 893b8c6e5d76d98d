"""Import and export of plans: seed text, JSON, XLSX, ODS, and the database loader."""
