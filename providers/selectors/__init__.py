"""providers.selectors, split by subdomain: pool, solutions, directory, clinics, commissioners."""
