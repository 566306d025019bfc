"""The statistics engine: periods, the expression language, table layouts and their computation.

Pure code (no database): ``periods`` parses period codes, ``expressions`` parses and evaluates the
layouts' arithmetic, ``tables`` checks a layout and computes its cells, formats and rankings from a
value lookup. ``reporting.services.stats`` loads packages into the indicator store and
``reporting.selectors.stats`` computes tables from it.
"""
