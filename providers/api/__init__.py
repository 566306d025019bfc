"""providers.api, split by subdomain: pool, solutions, directory, clinics, commissioners."""
