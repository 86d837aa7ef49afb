from interagency.core.permissions import Role


def test_member_sees_their_partnership_name_on_the_dashboard(client, member_with, partnership):
    client.force_login(member_with(Role.LEARNER))
    response = client.get(f"/p/{partnership.code}/")
    assert response.status_code == 200
    assert "Camden Safeguarding Children Partnership" in response.text


def test_unknown_partnership_code_is_a_404_page(coordinator_client):
    response = coordinator_client.get("/p/no-such-partnership/")
    assert response.status_code == 404
    assert "Page not found" in response.text
