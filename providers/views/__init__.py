"""providers.views, split by subdomain: pool, solutions, directory, clinics, commissioners."""
