"""The public supply–demand directory: no sign-in, admitted providers and published solutions only."""

from .views import directory

app_name = "directory"

urlpatterns = [*directory.urlpatterns]
