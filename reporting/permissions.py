"""May this user act on the providers' evaluation and the programme's figures."""

from accounts.permissions import is_province


def can_see_league(user) -> bool:
    """The league of all providers: province officers and administrators."""
    return is_province(user)


def can_request_evaluation(user) -> bool:
    """Who may (re)compute a month's evaluation: province officers and administrators."""
    return is_province(user)
