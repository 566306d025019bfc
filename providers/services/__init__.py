"""providers.services, split by subdomain: pool, solutions, directory, clinics, commissioners."""
