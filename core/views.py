"""The home page (工作台): what the registered contributions (``core.home``) offer the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.home import home_for


@login_required
def home_view(request):
    """Signed in: the user's panels and to-dos. Anonymous: the sign-in page (``login_required``)."""
    return render(request, "core/home.html", {"home": home_for(request.user)})
