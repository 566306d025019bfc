"""The page frame (base.html): a way to sign in from public pages, the home entry in the menu."""

from django.urls import reverse


def test_public_directory_offers_sign_in_and_the_language_switch(client, db):
    html = client.get(reverse("directory:index")).content.decode()
    assert 'data-testid="sign-in-link"' in html
    assert f'href="{reverse("accounts:login")}?next=/directory/"' in html
    assert 'class="lang-switch"' in html


def test_sign_in_page_does_not_link_to_itself(client, db):
    assert 'data-testid="sign-in-link"' not in client.get(reverse("accounts:login")).content.decode()


def test_signed_in_pages_have_no_sign_in_link_and_mark_home(client, world):
    client.force_login(world.users["county_officer"])
    html = client.get(reverse("directory:index")).content.decode()
    assert 'data-testid="sign-in-link"' not in html
    response = client.get(reverse("home"))
    assert response.context["nav"]["active"] == "home"
    assert f'<a href="{reverse("home")}" aria-current="page">工作台</a>' in response.content.decode()
