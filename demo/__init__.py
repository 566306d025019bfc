"""Demo data for every app. Production code never imports it."""
