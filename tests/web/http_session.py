"""http_session.py — what the workspace's HTTP tests share: plain requests to a running crtk serve
(http.client, no browser) and logging in through the login form with its CSRF token.

Call configure(URL) first with the server's base URL."""
import http.client
import re
import urllib.parse

URL = None


def configure(url):
    global URL
    URL = urllib.parse.urlsplit(url)


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
