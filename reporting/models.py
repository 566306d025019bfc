"""Indicators, regional figures, tables and bulletins."""
