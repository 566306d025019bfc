"""Read-only API over the division tree (public reference data for any signed-in user)."""
