"""/api/v1/ routes of the service system."""

from . import clinics, commissioners, directory, pool, solutions

urlpatterns = [
    *pool.urlpatterns,
    *solutions.urlpatterns,
    *directory.urlpatterns,
    *clinics.urlpatterns,
    *commissioners.urlpatterns,
]
