"""providers.forms, split by subdomain: pool, solutions, directory, clinics, commissioners."""
