#!/usr/bin/env python3
"""security_test.py URL — crtk serve's security without a browser (plain http.client requests).

Each check states what the HTML contract and issue 13 require; the first failure exits 1."""
import datetime
import http.client
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

import http_session
from http_session import cookies_of, login, req

URL = urllib.parse.urlsplit(sys.argv[1])
http_session.configure(sys.argv[1])
DB = sys.argv[2]
SSN = sqlite3.connect(DB).execute("SELECT socialSecurityNumber FROM patient WHERE patientIdNumber = '00000001'").fetchone()[0]
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


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

# 9. the printable abstract (PDF): a session needed; any reading role; the SSN masked unless the role
#    may see it; recorded as a view; text read back with pdftotext (poppler-utils)
PDF = "/patients/00000001/tumors/1/abstract.pdf"


def get_bytes(path, cookie=None):
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    c.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True).stdout.decode()
        pages = subprocess.run(["pdfinfo", f.name], capture_output=True, check=True).stdout.decode()
    return out, int(re.search(r"Pages:\s+(\d+)", pages).group(1))


r, _ = req("GET", PDF)
check(r.status == 303 and urllib.parse.urlsplit(r.getheader("Location")).path == "/login", "PDF without a session -> 303 /login")
r, data = get_bytes(PDF, fcookie)
check(r.status == 200 and r.getheader("Content-Type") == "application/pdf" and data[:5] == b"%PDF-",
      f"PDF for the follow-up clerk: 200 application/pdf (got {r.status} {r.getheader('Content-Type')})")
check("00000001" not in (r.getheader("Content-Disposition") or ""), "the patient's number is not in the file name")
row = sqlite3.connect(DB).execute(
    "SELECT p.nameLast, p.nameFirst, t.primarySite, t.histologicTypeIcdO3 FROM patient p JOIN tumor t "
    "ON t.patient_id = p.id WHERE p.patientIdNumber = '00000001' ORDER BY t.id LIMIT 1").fetchone()
text, pages = pdf_text(data)
flat = " ".join(text.split())
# the meanings, as the sample's codes are known to mean (ICD-O-3): C211 anal canal, 8070 squamous cell carcinoma
check(row[0] in text and row[1] in text, f"PDF names the patient ({row[0]}, {row[1]})")
check(row[2] == "C211" and "C211 — Anal canal" in flat, "PDF: primary site with its meaning (C211 — Anal canal)")
check(row[3] == "8070" and "8070 — Squamous cell carcinoma, NOS" in flat, "PDF: histology with its meaning")
check("Primary Site [400]" in flat and "Date of Birth [240]" in flat and "Date of Last Contact [1750]" in flat,
      "PDF: items under their NAACCR names and numbers")
check(text.count("CONFIDENTIAL") == pages and f"page {pages} of {pages}" in text, f"every page ({pages}) says CONFIDENTIAL and page n of {pages}")
check(2 <= pages <= 20, f"page count sensible ({pages})")
check("***-**-" + SSN[-4:] in flat and SSN not in flat, "PDF: SSN masked for a follow-up clerk")
acookie, acsrf, _ = login("ada", "admin-pass-1")
r, data = get_bytes(PDF, acookie)
check(SSN in pdf_text(data)[0], "PDF: full SSN for an admin")
n = sqlite3.connect(DB).execute("SELECT count(*) FROM crtk_access WHERE user = 'fred' AND action = 'print abstract' "
                                "AND patient_key = '00000001'").fetchone()[0]
check(n == 1, "the print is recorded as a view under the user")
r, _ = req("GET", "/patients/00000001/tumors/9/abstract.pdf", cookie=fcookie)
check(r.status == 404, "PDF of a tumor that does not exist -> 404")
r, _ = req("POST", PDF, {"csrf_token": fcsrf}, cookie=fcookie)
check(r.status in (404, 405), "POST to the PDF -> refused")

# 10. follow-up posting: CSRF and role; posted under the user; a clerk cannot change diagnosis items
r, _ = req("POST", "/patients/00000001/followup", {"date": "2026-01-02", "vitalStatus": "1", "csrf_token": "2" * 64},
           cookie=fcookie)
check(r.status == 403, "follow-up post with a wrong csrf_token -> 403")
r, _ = req("POST", "/patients/00000001/followup", {"date": "2026-01-02", "vitalStatus": "1", "cancerStatus": "1",
                                                   "followUpSource": "2", "csrf_token": fcsrf}, cookie=fcookie)
check(r.status == 303, f"follow-up clerk posts a contact (got {r.status})")
db = sqlite3.connect(DB)
check(db.execute("SELECT dateOfLastContact FROM patient WHERE patientIdNumber = '00000001'").fetchone()[0] == "20260102",
      "the contact's date is the Date of Last Contact")
check(db.execute("SELECT count(*) FROM audit WHERE user = 'fred' AND item = 'dateOfLastContact' AND new_value = '20260102'")
      .fetchone()[0] >= 1, "the contact is audited under the clerk")
for item, value in [("histologicTypeIcdO3", "8500"), ("dateOfDiagnosis", "01/01/2020"), ("behaviorCodeIcdO3", "2")]:
    r, _ = req("POST", "/patients/00000001/tumors/1", {item: value, "csrf_token": fcsrf}, cookie=fcookie)
    check(r.status == 403, f"follow-up clerk changing {item} -> 403")

# 11. items filled on save: a new tumor is initiated today and incomplete; saving it complete fills Date
#     Case Completed, the abstractor (the user name's first three letters, ADA) and Age at Diagnosis
today = datetime.date.today().strftime("%Y%m%d")
r, _ = req("POST", "/patients/00000001/tumors", {"csrf_token": acsrf}, cookie=acookie)
where = urllib.parse.urlsplit(r.getheader("Location") or "").path
check(r.status == 303 and re.fullmatch(r"/patients/00000001/tumors/\d+", where or ""), f"new tumor -> {where}")
tid, initiated = db.execute("SELECT t.id, t.dateCaseInitiated FROM tumor t JOIN patient p ON p.id = t.patient_id "
                            "WHERE p.patientIdNumber = '00000001' ORDER BY t.id DESC LIMIT 1").fetchone()
check(initiated == today, f"Date Case Initiated is today ({initiated})")
check(db.execute("SELECT status FROM crtk_abstract WHERE tumor_id = ?", (tid,)).fetchone() == ("incomplete",),
      "a new tumor's abstract is recorded as incomplete")
r, _ = req("POST", where, {"dateOfDiagnosis": "03/15/2026", "primarySite": "C504", "crtk_abstract_status": "complete",
                           "csrf_token": acsrf}, cookie=acookie)
check(r.status == 303, f"saved (got {r.status})")
dob = db.execute("SELECT dateOfBirth FROM patient WHERE patientIdNumber = '00000001'").fetchone()[0]
b = datetime.date(int(dob[:4]), int(dob[4:6]), int(dob[6:8]))
age = 2026 - b.year - ((3, 15) < (b.month, b.day))
got = db.execute("SELECT ageAtDiagnosis, abstractedBy, dateCaseCompleted FROM tumor WHERE id = ?", (tid,)).fetchone()
check(got == ("%03d" % age, "ADA", today), f"computed on save: age {age:03d}, abstractor ADA, completed {today} (got {got})")

if FAILS:
    print(f"{len(FAILS)} check(s) failed")
    sys.exit(1)
print("all security checks passed")
