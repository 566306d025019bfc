"""Celery tasks of the casework: thin wrappers that take ids and call services."""
