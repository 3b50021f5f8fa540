#!/usr/bin/env python3
"""read_fault_test.py URL MODE NAME — what crtk serve shows when the audit trail fails under it
(tests/cli/t82-serve-read-faults.sh runs the server with the fault shim).

MODE views:   every write to the access log fails: each page of a patient answers 503 and holds
              nothing of the patient (NAME, the sample patient's last name, appears nowhere).
MODE history: every read of the audit trail fails: the history page answers 503, not a history
              that looks empty.
MODE search:  every read of the patients a search found fails: the result page says they could not
              all be read (a short list would pass for the whole of it).
MODE none:    no fault: the same pages answer 200 and show the patient."""
import sys
import urllib.parse

import http_session
from http_session import login, req

http_session.configure(sys.argv[1])
MODE, NAME = sys.argv[2], sys.argv[3]
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


cookie, _, _ = login("abby", "abstract-pass-1")
check(cookie is not None, "abby logs in")
if MODE in ("search", "none"):
    r, body = req("GET", "/patients?q=" + urllib.parse.quote(NAME), cookie=cookie)
    if MODE == "search":
        check(r.status == 200 and "could not all be read" in body and "/patients/00000001" not in body,
              "a search whose patients cannot be read says so")
    else:
        check(r.status == 200 and "/patients/00000001" in body and "could not" not in body,
              "a search by last name lists the sample patient")
    if MODE == "search":
        sys.exit(1 if FAILS else 0)
pages = ["/patients/00000001", "/patients/00000001/tumors/1", "/patients/00000001/tumors/1/abstract.pdf",
         "/patients/00000001/history"]
for path in pages:
    r, body = req("GET", path, cookie=cookie)
    if MODE == "views":
        check(r.status == 503, f"{path}: 503 when the view cannot be recorded (got {r.status})")
        check(NAME not in body, f"{path}: nothing of the patient shown unrecorded")
        check("could not be recorded" in body, f"{path}: says the view could not be recorded")
    elif MODE == "history" and path.endswith("/history"):
        check(r.status == 503, f"{path}: 503 when the audit trail cannot be read (got {r.status})")
        check("could not be read" in body and "<table class=audit>" not in body,
              f"{path}: an error page, not an empty history")
    else:
        check(r.status == 200, f"{path}: shown (got {r.status})")
        if not path.endswith((".pdf", "/history")):
            check(NAME in body, f"{path}: shows the patient")
sys.exit(1 if FAILS else 0)
