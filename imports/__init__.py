"""Import and export: the Excel importer (upload, dry run, confirm, background work), the Excel
exports, their pages, URLs (namespace `imports:`), models, commands and Celery tasks. It depends on
the case file (`cases`); the case file never imports it (tests/imports/test_app_boundary.py)."""
