#!/usr/bin/env python3
"""security_test.py URL — crtk serve's security without a browser (plain http.client requests).

Each check states what the HTML contract and issue 13 require; the first failure exits 1."""
import http.client
import re
import sqlite3
import sys
import urllib.parse

URL = urllib.parse.urlsplit(sys.argv[1])
DB = sys.argv[2]
SSN = sqlite3.connect(DB).execute("SELECT socialSecurityNumber FROM patient WHERE patientIdNumber = '00000001'").fetchone()[0]
FAILS = []


def req(method, path, body=None, cookie=None, headers=None):
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    if body is not None:
        body = urllib.parse.urlencode(body)
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    c.close()
    return r, data


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def cookies_of(r):
    jar = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            jar[name] = (rest.split(";")[0], v)
    return jar


def login(user, password):
    r, page = req("GET", "/login")
    login_cookie = cookies_of(r)["crtk_login"][0]
    token = re.search(r'name=csrf_token value="([0-9a-f]+)"', page).group(1)
    r, _ = req("POST", "/login", {"username": user, "password": password, "csrf_token": token},
               cookie="crtk_login=" + login_cookie)
    jar = cookies_of(r)
    if r.status != 303 or "crtk_session" not in jar:
        return None, None, r
    cookie = "crtk_session=" + jar["crtk_session"][0]
    _, page = req("GET", "/patients", cookie=cookie)
    csrf = re.search(r'name=csrf_token value="([0-9a-f]+)"', page).group(1)
    return cookie, csrf, jar["crtk_session"][1]


# 1. no page or API without a session: 303 to /login
for method, path in [("GET", "/patients"), ("GET", "/patients?q=a"), ("GET", "/patients/00000001"),
                     ("GET", "/patients/00000001/tumors/1"), ("GET", "/patients/00000001/history"),
                     ("GET", "/codes?item=primarySite&q=breast"), ("GET", "/queues"), ("GET", "/"),
                     ("POST", "/patients/00000001/tumors/1"), ("POST", "/logout")]:
    r, _ = req(method, path, body={} if method == "POST" else None)
    check(r.status == 303 and urllib.parse.urlsplit(r.getheader("Location")).path == "/login",
          f"{method} {path} without a session -> 303 /login (got {r.status})")
r, _ = req("POST", "/patients/00000001/tumors/1", None, headers={"Content-Type": "application/json"})
check(r.status == 303, "a non-form POST without a session -> 303 too")
r, _ = req("GET", "/patients", cookie="crtk_session=" + "0" * 64)
check(r.status == 303, "a made-up session token -> 303")

# 2. headers on every page
r, _ = req("GET", "/login")
csp = r.getheader("Content-Security-Policy") or ""
check("default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp,
      "Content-Security-Policy allows only the server's own scripts, no framing")
check(r.getheader("X-Frame-Options") == "DENY", "X-Frame-Options: DENY")
check(r.getheader("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options: nosniff")
check("no-store" in (r.getheader("Cache-Control") or ""), "Cache-Control: no-store")

# 3. login: CSRF-less login refused; wrong password; no open redirect
r, _ = req("POST", "/login", {"username": "abby", "password": "abstract-pass-1"})
check(r.status == 403, "login POST without csrf_token -> 403")
cookie, csrf, set_cookie = login("abby", "abstract-pass-1")
check(cookie is not None, "abstractor logs in")
check("HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie, "session cookie is HttpOnly, SameSite=Strict")
for evil in ["/login?next=http://evil.example/", "/login?redirect=//evil.example", "//evil.example/patients"]:
    r, _ = req("GET", evil, cookie=cookie)
    loc = r.getheader("Location") or ""
    check("evil" not in loc, f"no open redirect via {evil} (Location {loc!r})")

# 4. a POST without a valid csrf_token -> 403, and nothing changes
r, _ = req("POST", "/patients/00000001/tumors/1", {"nameMiddle": "CSRF"}, cookie=cookie)
check(r.status == 403, "abstract save without csrf_token -> 403")
r, _ = req("POST", "/patients/00000001/tumors/1", {"nameMiddle": "CSRF", "csrf_token": "1" * 64}, cookie=cookie)
check(r.status == 403, "abstract save with a wrong csrf_token -> 403")
r, _ = req("POST", "/patients/00000001/followup", {"date": "2026-01-01", "vitalStatus": "1"}, cookie=cookie)
check(r.status == 403, "follow-up post without csrf_token -> 403")
_, page = req("GET", "/patients/00000001/tumors/1", cookie=cookie)
check('value="CSRF"' not in page, "nothing saved by the refused POSTs")
r, _ = req("POST", "/logout", {}, cookie=cookie)
check(r.status == 403, "logout without csrf_token -> 403")

# 5. roles enforced by the server, not only hidden
fcookie, fcsrf, _ = login("fred", "followup-pass-1")
check(fcookie is not None, "follow-up clerk logs in")
r, _ = req("POST", "/patients/00000001/tumors/1", {"primarySite": "C509", "csrf_token": fcsrf}, cookie=fcookie)
check(r.status == 403, "follow-up clerk changing primarySite -> 403")
r, _ = req("POST", "/patients/00000001/tumors/1", {"crtk_abstract_status": "complete", "csrf_token": fcsrf},
           cookie=fcookie)
check(r.status == 403, "follow-up clerk changing the abstract status -> 403")
r, _ = req("GET", "/patients/new", cookie=fcookie)
check(r.status == 403, "follow-up clerk opening New patient -> 403")
_, page = req("GET", "/patients/00000001/tumors/1", cookie=fcookie)
check("C509" not in page.split('name="primarySite"')[1][:200], "primarySite unchanged")
_, page = req("GET", "/patients?q=00000001", cookie=fcookie)
check("***-**-" + SSN[-4:] in page and SSN not in page, "SSN masked (last four) for a follow-up clerk")
mcookie, _, _ = login("meg", "manager-pass-1")
_, mpage = req("GET", "/patients?q=00000001", cookie=mcookie)
check(SSN in mpage, "full SSN shown to a manager")

# 6. logout ends the session
r, _ = req("POST", "/logout", {"csrf_token": csrf}, cookie=cookie)
check(r.status == 303, "logout -> 303")
r, _ = req("GET", "/patients", cookie=cookie)
check(r.status == 303, "the old session no longer works")

# 7. five wrong passwords lock the account; then even the right one is refused
for i in range(5):
    c, _, r = login("meg", "wrong-password")
    check(c is None, f"wrong password {i + 1} refused")
c, _, r = login("meg", "manager-pass-1")
check(c is None, "right password refused while locked")

# 8. malformed forms are refused, not crashed on
r, _ = req("POST", "/patients/00000001/tumors/1", None, cookie=fcookie,
           headers={"Content-Type": "application/x-www-form-urlencoded"})
check(r.status == 403, "an empty POST (no token) -> 403")
r, _ = req("GET", "/patients?q=%zz", cookie=fcookie)
check(r.status == 400, "a malformed query -> 400")

if FAILS:
    print(f"{len(FAILS)} check(s) failed")
    sys.exit(1)
print("all security checks passed")
