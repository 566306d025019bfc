"""Service providers, clinics, centres, commissioners and solutions (built on accounts.Organisation)."""
