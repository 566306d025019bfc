"""Pages of the service system (/providers/) and the public directory (/directory/)."""

from .views import clinics, commissioners, pool, solutions

app_name = "providers"

urlpatterns = [
    *pool.urlpatterns,
    *solutions.urlpatterns,
    *clinics.urlpatterns,
    *commissioners.urlpatterns,
]
