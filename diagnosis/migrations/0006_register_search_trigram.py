"""Search by name or credit-code fragment uses trigram indexes on PostgreSQL.

The list's search is ``name__contains`` for text without case (Chinese: ``name::text LIKE '%…%'``),
``name__icontains`` otherwise (``UPPER(name::text) LIKE UPPER('%…%')``), or
``credit_code__contains`` (``credit_code::text LIKE '%…%'``): a B-tree can't serve a leading
wildcard, so without these every search reads the whole register. The GIN indexes are on exactly
those expressions. pg_trgm makes trigrams of Chinese characters under a UTF-8 ctype, so fragments of
three or more characters are served by the index; shorter ones still scan (cheap at the register's
size). Needs the ``pg_trgm`` extension: the migration creates it (a database owner may; otherwise a
DBA runs ``CREATE EXTENSION pg_trgm`` once). SQLite has no such index: nothing to do there.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON diagnosis_enterprise USING gin (UPPER(name::text) gin_trgm_ops)",
    # Text without case (Chinese) is searched with a plain LIKE on the name: its own index.
    "CREATE INDEX IF NOT EXISTS enterprise_name_plain_trgm ON diagnosis_enterprise USING gin ((name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_code_trgm ON diagnosis_enterprise USING gin ((credit_code::text) gin_trgm_ops)",
]
REVERSE = [
    "DROP INDEX IF EXISTS enterprise_name_trgm",
    "DROP INDEX IF EXISTS enterprise_name_plain_trgm",
    "DROP INDEX IF EXISTS enterprise_code_trgm",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("diagnosis", "0005_enterprise_register_order")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(REVERSE))]
