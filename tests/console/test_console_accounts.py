"""Staff accounts and sessions: the API that makes them, sign-in and its lockout and backoff, the
session cookie (HttpOnly, SameSite, Secure over HTTPS, rotated at sign-in), expiry, CSRF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.console import throttle
from app.models import StaffSession, StaffUser, utcnow
from tests.conftest import ADMIN, auth
from tests.console.conftest import PASSWORD, csrf_of


def test_a_partner_makes_its_own_staff_users_and_never_another_partners(client: TestClient, make_partner: Any
                                                                        ) -> None:
    pid, key = make_partner("university")
    other_id, other_key = make_partner("university")
    made = client.post(f"/api/v1/partners/{pid}/staff-users", headers=auth(key),
                       json={"login": "Wang.Li@szu.example", "name": "王丽", "role": "editor"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["login"] == "wang.li@szu.example" and body["role"] == "editor" and len(body["password"]) >= 10
    assert "password_hash" not in body
    assert client.post(f"/api/v1/partners/{other_id}/staff-users", headers=auth(key),
                       json={"login": "x.y@szu.example", "name": "某", "role": "viewer"}).status_code == 404
    assert client.get(f"/api/v1/partners/{other_id}/staff-users", headers=auth(key)).status_code == 404
    assert client.patch(f"/api/v1/partners/{other_id}/staff-users/{body['id']}", headers=auth(other_key),
                        json={"role": "manager"}).status_code == 404
    repeat = client.post(f"/api/v1/partners/{other_id}/staff-users", headers=ADMIN,
                         json={"login": "wang.li@SZU.example", "name": "王丽", "role": "viewer"})
    assert repeat.status_code == 409 and repeat.json()["errors"][0]["field"] == "login"
    short = client.post(f"/api/v1/partners/{pid}/staff-users", headers=auth(key),
                        json={"login": "short.pw", "name": "某", "role": "viewer", "password": "abc"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "password"
    listed = client.get(f"/api/v1/partners/{pid}/staff-users", headers=auth(key)).json()["items"]
    assert [u["login"] for u in listed] == ["wang.li@szu.example"]
    assert client.get("/api/v1/partners/nope/staff-users", headers=ADMIN).status_code == 404
    assert client.get(f"/api/v1/partners/{pid}/staff-users").status_code == 401


def test_the_generated_password_signs_in_and_the_session_cookie_is_locked_down(
        client: TestClient, make_partner: Any, browser_for: Any) -> None:
    pid, key = make_partner("university")
    made = client.post(f"/api/v1/partners/{pid}/staff-users", headers=auth(key),
                       json={"login": "gen.pw", "name": "某", "role": "viewer"}).json()
    b = browser_for()
    resp = b.sign_in("gen.pw", made["password"])
    assert resp.status_code == 303 and resp.headers["location"] == "/console"
    cookie = next(c for c in resp.headers.get_list("set-cookie") if c.startswith("hub_console="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    assert b.get("/console/university").status_code == 200


def test_over_https_the_cookie_is_secure(app: Any, make_staff: Any) -> None:
    person = make_staff("university")
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        form = c.get("/console/sign-in")
        resp = c.post("/console/sign-in", data={"csrf_token": csrf_of(form.text), "login": person.login,
                                                "password": PASSWORD})
    assert resp.status_code == 303
    assert all("Secure" in v for v in resp.headers.get_list("set-cookie"))


def test_a_wrong_password_answers_as_an_unknown_user_does(make_staff: Any, browser_for: Any) -> None:
    person = make_staff("university")
    b = browser_for()
    wrong = b.sign_in(person.login, "not the password")
    unknown = b.sign_in("nobody.here@example.cn", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = "账号或密码不正确"
    assert message in wrong.text and message in unknown.text
    assert wrong.text.replace(person.login, "L") .count("alert") == unknown.text.count("alert")
    assert "hub_console=" not in " ".join(wrong.headers.get_list("set-cookie"))


def test_repeated_wrong_passwords_lock_the_user_then_the_lock_lapses(make_staff: Any, browser_for: Any,
                                                                      db: Any, settings: Any) -> None:
    person = make_staff("university")
    b = browser_for()
    for _ in range(settings.console_lockout_attempts):
        assert b.sign_in(person.login, "wrong password!").status_code == 401
    locked = b.sign_in(person.login)  # the right password, while locked: the same answer
    assert locked.status_code == 401 and "账号或密码不正确" in locked.text
    with db.write() as s:
        user = s.execute(select(StaffUser).where(StaffUser.login == person.login)).scalar_one()
        assert user.locked_until is not None and user.locked_until > utcnow()
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert b.sign_in(person.login).status_code == 303


def test_the_backoff_grows_with_each_failure_and_resets_on_success() -> None:
    login = "backoff.test@example.cn"
    throttle.succeeded(login)
    assert throttle.delay(login, 0.5) == 0
    throttle.failed(login)
    assert throttle.delay(login, 0.5) == 0  # one slip costs nothing
    delays = []
    for _ in range(6):
        throttle.failed(login)
        delays.append(throttle.delay(login, 0.5))
    assert delays == sorted(delays) and delays[0] == 0.5 and delays[-1] == throttle.MAX_DELAY_S
    throttle.succeeded(login)
    assert throttle.delay(login, 0.5) == 0


def test_the_cookie_rotates_at_sign_in_and_sign_out_ends_the_session(make_staff: Any, browser_for: Any) -> None:
    person = make_staff("university")
    b = browser_for(person)
    first = b.client.cookies.get("hub_console")
    b.sign_in(person.login)
    second = b.client.cookies.get("hub_console")
    assert first and second and first != second
    b.client.cookies.set("hub_console", first, path="/console")
    assert b.get("/console/university").status_code == 303  # the old session ended at the new sign-in
    b.client.cookies.set("hub_console", second, path="/console")
    assert b.get("/console/university").status_code == 200
    token = b.csrf()
    assert b.client.post("/console/sign-out", data={"csrf_token": token}).status_code == 303
    b.client.cookies.set("hub_console", second, path="/console")
    out = b.get("/console/university")
    assert out.status_code == 303 and out.headers["location"].startswith("/console/sign-in?next=")


def test_an_expired_session_signs_out(make_staff: Any, browser_for: Any, db: Any) -> None:
    person = make_staff("university")
    b = browser_for(person)
    assert b.get("/console/university").status_code == 200
    with db.write() as s:
        s.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    resp = b.get("/console/university/visits")
    assert resp.status_code == 303 and "next=%2Fconsole%2Funiversity%2Fvisits" in resp.headers["location"]
    with db.read() as s:
        assert s.execute(select(StaffSession)).first() is None  # the expired row is gone


def test_a_disabled_user_is_signed_out_everywhere(client: TestClient, make_staff: Any, browser_for: Any) -> None:
    person = make_staff("university")
    b = browser_for(person)
    resp = client.patch(f"/api/v1/partners/{person.partner_id}/staff-users/{person.user_id}",
                        headers=auth(person.api_key), json={"disabled": True})
    assert resp.status_code == 200 and resp.json()["disabled"] is True
    assert b.get("/console/university").status_code == 303
    assert b.sign_in(person.login).status_code == 401


def test_a_form_without_its_csrf_token_is_refused(make_staff: Any, browser_for: Any) -> None:
    person = make_staff("university")
    b = browser_for(person)
    form = {"employer_name": "深圳市某某科技有限公司", "visited_at": "2026-01-05T10:00", "leader_name": "王校长",
            "region_code": "440305"}
    missing = b.post("/console/university/visits", form, with_csrf=False)
    wrong = b.client.post("/console/university/visits", data={**form, "csrf_token": "forged"})
    assert missing.status_code == wrong.status_code == 403
    assert b.post("/console/sign-out", with_csrf=False).status_code == 403
    fresh = browser_for()
    fresh.client.get("/console/sign-in")
    assert fresh.client.post("/console/sign-in", data={"login": person.login, "password": PASSWORD}
                             ).status_code == 403
    assert b.post("/console/university/visits", form).status_code == 303  # with the token it goes through


def test_without_a_session_every_page_asks_to_sign_in(browser_for: Any) -> None:
    b = browser_for()
    for path in ("/console", "/console/university/cases", "/console/province", "/console/ministry/map"):
        resp = b.get(path)
        assert resp.status_code == 303 and resp.headers["location"].startswith("/console/sign-in"), path
    assert b.client.post("/console/university/visits", data={}).status_code == 303


def test_sign_in_only_returns_inside_the_console(make_staff: Any, browser_for: Any) -> None:
    person = make_staff("university")
    b = browser_for()
    form = b.get("/console/sign-in?next=https://evil.example/")
    resp = b.client.post("/console/sign-in", data={"csrf_token": csrf_of(form.text), "login": person.login,
                                                   "password": PASSWORD, "next": "//evil.example/"})
    assert resp.headers["location"] == "/console"


def test_a_manager_opens_and_disables_accounts_in_the_console(make_staff: Any, browser_for: Any) -> None:
    manager = make_staff("university", role="manager")
    b = browser_for(manager)
    page = b.get("/console/staff")
    assert page.status_code == 200 and manager.login in page.text
    made = b.post("/console/staff", {"login": "new.viewer@example.cn", "name": "新同事", "role": "viewer",
                                     "password": "a long enough password"})
    assert made.status_code == 303
    newcomer = browser_for()
    assert newcomer.sign_in("new.viewer@example.cn", "a long enough password").status_code == 303
    editor = make_staff("university", role="editor", partner=(manager.partner_id, manager.api_key))
    assert browser_for(editor).get("/console/staff").status_code == 403


def test_the_sweep_deletes_expired_sessions_and_keeps_live_ones(make_staff: Any, browser_for: Any, db: Any,
                                                                settings: Any) -> None:
    from app.housekeeping import sweep_once

    browser_for(make_staff("university"))
    live = browser_for(make_staff("university"))
    with db.write() as s:
        first = s.execute(select(StaffSession).order_by(StaffSession.created_at)).scalars().first()
        assert first is not None
        first.expires_at = utcnow() - timedelta(minutes=1)
    assert sweep_once(db, settings)["console_sessions_purged"] == 1
    assert live.get("/console/university").status_code == 200
