"""The project's URLconf plus ``/bench/bare/``: a signed-in view that does nothing else.

The bare view costs what every signed-in page costs at least (the middleware, the session and the
user row, one tiny response), so a page's throughput divided by this view's, measured on the same
server in the same run, says how much the page itself adds.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


@login_required
def bare_view(request):
    """200 ``ok <user id>`` for a signed-in user (a redirect to the login page otherwise)."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view, name="bench-bare"), *project_urlpatterns]
