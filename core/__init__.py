"""No domain, bottom of the import graph: the mechanisms every app shares."""
