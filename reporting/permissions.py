"""May this user act on the providers' evaluation and the programme's figures."""

from accounts.permissions import is_officer, is_province
from regions.models import Region


def can_see_league(user) -> bool:
    """The league of all providers: province officers and administrators."""
    return is_province(user)


def can_request_evaluation(user) -> bool:
    """Who may (re)compute a month's evaluation: province officers and administrators."""
    return is_province(user)


def reads_statistics(user) -> bool:
    """The statistics pages (tables, entry, review, bulletins): officers and administrators."""
    from reporting.selectors.stats import region_prefix

    return region_prefix(user) is not None


def can_report_figures(user, region: Region) -> bool:
    """A region's figures are entered and submitted by the officers of that very region."""
    return is_officer(user) and not is_province(user) and user.region_id == region.pk


def can_review_figures(user, region: Region) -> bool:
    """Submitted figures are approved or returned by the region's parent: the city for a county,
    the province for a city."""
    if region.parent_id is None or not is_officer(user):
        return False
    if region.parent.level == Region.Level.PROVINCE:
        return is_province(user)
    return not is_province(user) and user.region_id == region.parent_id
