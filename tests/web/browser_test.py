#!/usr/bin/env python3
"""browser_test.py URL SHORT_URL SCREENSHOT_DIR — the workspace driven in headless Chromium (Debian's
chromium + chromium-driver through python3-selenium), as a registrar would use it, keyboard only:
log in; search; open a patient; abstract a tumor; watch an edit message appear beside the field it
names and disappear when fixed; save and find the change under the user's name in the audit
history; post a follow-up contact; and (SHORT_URL, a server with a 3-second idle timeout) be sent
back to the log-in page after the idle time.  Screenshots of the main pages go to SCREENSHOT_DIR."""
import datetime
import re
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

URL, SHORT_URL, SHOTS, DB = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3], sys.argv[4]
os.makedirs(SHOTS, exist_ok=True)
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
              "--user-data-dir=" + tempfile.mkdtemp(prefix="crtk-chromium-")]:
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def shot(d, name):
    d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def type_keys(d, keys):
    d.switch_to.active_element.send_keys(keys)


def login(d, base, user, password):
    d.get(base + "/login")
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.NAME, "username")))
    # keyboard only: the user name field has the focus; tab to the password; Enter submits
    type_keys(d, user)
    type_keys(d, Keys.TAB)
    type_keys(d, password)
    type_keys(d, Keys.ENTER)


d = browser()
wait = WebDriverWait(d, 10)
try:
    # 1. log in
    d.get(URL + "/login")
    shot(d, "01-login")
    login(d, URL, "abby", "abstract-pass-1")
    wait.until(EC.url_contains("/patients"))
    check(d.find_element(By.CSS_SELECTOR, "input[type=search][name=q]") is not None, "logged in: the patient index")

    # 2. search by name prefix, case-insensitive, from the keyboard (the search box has the focus)
    type_keys(d, "fERns")
    type_keys(d, Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.ID, "result-count")))
    rows = d.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    check(len(rows) >= 1 and all("FERNS" in r.text.upper() for r in rows), f"search 'fERns' finds FERNS... ({len(rows)})")
    shot(d, "02-search")
    d.get(URL + "/patients?q=00000001")
    check("00000001" in d.find_element(By.CSS_SELECTOR, "table.results").text, "search by patient id")

    # 3. the patient page
    d.find_element(By.LINK_TEXT, "00000001").click()
    wait.until(EC.presence_of_element_located((By.ID, "patient-id")))
    shot(d, "03-patient")

    # 4. the abstract form: every item with data-item, a label with name and number
    d.get(URL + "/patients/00000001/tumors/1")
    wait.until(EC.presence_of_element_located((By.ID, "abstract")))
    items = d.find_elements(By.CSS_SELECTOR, "[data-item]")
    check(len(items) > 500, f"the abstract lists every item, blanks included ({len(items)})")
    label = d.find_element(By.CSS_SELECTOR, "[data-item=primarySite] label").text
    check("Primary Site" in label and "[400]" in label, f"label with NAACCR name and number ({label!r})")
    site = d.find_element(By.NAME, "primarySite")
    old_site = site.get_attribute("value")
    shot(d, "04-abstract")

    # 5. an edit message appears beside the field as the registrar types, and goes when fixed
    site.click()
    site.send_keys(Keys.CONTROL, "a")
    site.send_keys("C999")
    site.send_keys(Keys.TAB)
    sel = "[data-item=primarySite] [data-edit-id=S01]"
    try:
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, sel)))
        check(True, "edit S01 appears beside primarySite after typing C999")
    except Exception:
        check(False, "edit S01 appears beside primarySite after typing C999")
    shot(d, "05-edit-failing")
    site = d.find_element(By.NAME, "primarySite")
    site.click()
    site.send_keys(Keys.CONTROL, "a")
    site.send_keys(old_site)
    site.send_keys(Keys.TAB)
    try:
        WebDriverWait(d, 10).until(lambda x: not x.find_elements(By.CSS_SELECTOR, sel))
        check(True, "edit S01 disappears when the site is fixed")
    except Exception:
        check(False, "edit S01 disappears when the site is fixed")

    # 6. change an item with the keyboard, set the status, save (Enter submits); the audit shows the user
    mid = d.find_element(By.NAME, "nameMiddle")
    mid.click()
    mid.send_keys(Keys.CONTROL, "a")
    mid.send_keys("BROWSERTEST")
    dx = d.find_element(By.NAME, "dateOfDiagnosis")
    old_dx = dx.get_attribute("value")
    mid.send_keys(Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.ID, "saved")))
    check("1 item" in d.find_element(By.ID, "saved").text, "saved: 1 item changed")
    check(d.find_element(By.NAME, "nameMiddle").get_attribute("value") == "BROWSERTEST", "the value is kept")
    check(d.find_element(By.NAME, "dateOfDiagnosis").get_attribute("value") == old_dx, "other items unchanged")
    d.get(URL + "/patients/00000001/history")
    rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "table.audit tr.change")]
    check(any("abby" in r and "nameMiddle" in r and "BROWSERTEST" in r for r in rows),
          "the audit history shows nameMiddle -> BROWSERTEST under abby")
    views = [r.text for r in d.find_elements(By.CSS_SELECTOR, "table.views tr")]
    check(any("abby" in r and "view abstract" in r for r in views), "the history shows abby viewed the abstract")
    shot(d, "06-history")

    # 7. a date typed as YYYY-MM-DD is stored as a NAACCR date
    d.get(URL + "/patients/00000001/tumors/1")
    f = d.find_element(By.NAME, "dateCaseInitiated") if d.find_elements(By.NAME, "dateCaseInitiated") else None
    if f is not None:
        f.click()
        f.send_keys(Keys.CONTROL, "a")
        f.send_keys("2026-03-07")
        f.send_keys(Keys.ENTER)
        wait.until(EC.presence_of_element_located((By.ID, "saved")))
        check(d.find_element(By.NAME, "dateCaseInitiated").get_attribute("value") == "03/07/2026",
              "2026-03-07 typed, shown as 03/07/2026")

    # 8. post a follow-up contact on the patient page
    d.get(URL + "/patients/00000001")
    today = datetime.date.today().strftime("%m/%d/%Y")
    d.find_element(By.ID, "fu-date").send_keys(today)
    d.find_element(By.CSS_SELECTOR, "form.followup button").click()
    wait.until(EC.presence_of_element_located((By.ID, "posted")))
    check(today in d.find_element(By.CSS_SELECTOR, "dl.facts").text, f"last contact is now {today}")
    shot(d, "07-followup-posted")

    # 9. a new patient who is already there: the duplicate warning, then a new breast case end to end
    last, first, dob = sqlite3.connect(DB).execute(
        "SELECT nameLast, nameFirst, dateOfBirth FROM patient WHERE patientIdNumber = '00000002'").fetchone()
    d.get(URL + "/patients/new")
    type_keys(d, last.lower())            # the last name has the focus; tab through the form
    type_keys(d, Keys.TAB); type_keys(d, first)
    type_keys(d, Keys.TAB); type_keys(d, Keys.TAB)
    type_keys(d, f"{dob[4:6]}/{dob[6:8]}/{dob[0:4]}")
    type_keys(d, Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.ID, "duplicates")))
    dup = d.find_element(By.ID, "duplicates").text
    check("00000002" in dup and "same name and birth date" in dup, "duplicate warning names patient 00000002")
    shot(d, "08-duplicate")
    d.find_element(By.ID, "add-anyway").click()
    wait.until(EC.presence_of_element_located((By.ID, "patient-id")))
    new_key = d.find_element(By.ID, "patient-id").text
    check(new_key != "00000002", f"added anyway as patient {new_key}")
    d.find_element(By.ID, "new-tumor").click()
    wait.until(EC.presence_of_element_located((By.ID, "abstract")))
    check(d.current_url.endswith(f"/patients/{new_key}/tumors/1"), "a new tumor opens its abstract")
    values = {"dateOfDiagnosis": "2026-02-03", "primarySite": "C504", "histologicTypeIcdO3": "8500",
              "laterality": "1", "behaviorCodeIcdO3": "3", "diagnosticConfirmation": "1", "classOfCase": "10"}
    for name, value in values.items():
        el = d.find_element(By.NAME, name)
        if el.tag_name == "select":
            el.send_keys(value)           # keyboard: typing a code picks it
        else:
            el.click(); el.send_keys(Keys.CONTROL, "a"); el.send_keys(value)
    Select_status = d.find_element(By.NAME, "crtk_abstract_status")
    Select_status.send_keys("complete")
    d.find_element(By.NAME, "primarySite").send_keys(Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.ID, "saved")))
    row = sqlite3.connect(DB).execute(
        "SELECT t.primarySite, t.histologicTypeIcdO3, t.behaviorCodeIcdO3, t.dateOfDiagnosis, t.laterality, "
        "t.dateCaseInitiated IS NOT NULL FROM tumor t JOIN patient p ON p.id = t.patient_id "
        "WHERE p.patientIdNumber = ?", (new_key,)).fetchone()
    check(row is not None and row[:5] == ("C504", "8500", "3", "20260203", "1") and row[5] == 1,
          f"the breast case is stored as typed, date normalised ({row})")
    check(d.find_element(By.NAME, "crtk_abstract_status").get_attribute("value") == "complete", "status complete")
    shot(d, "09-new-breast-case")
    # the stage section shows the breast schema's SSDIs; other schemas' SSDIs are collapsed (not shown)
    check("Breast" in d.find_element(By.ID, "schema").text, "stage section names the breast schema")
    er = d.find_element(By.CSS_SELECTOR, '[data-item="estrogenReceptorSummary"]')
    check(er.is_displayed(), "breast SSDI Estrogen Receptor Summary [3827] shown")
    psa = d.find_elements(By.CSS_SELECTOR, '[data-item="psaLabValue"]')
    check(len(psa) == 1 and not psa[0].is_displayed() and
          psa[0].find_elements(By.XPATH, "ancestor::details[contains(@class,'not-in-schema')]"),
          "prostate SSDI PSA Lab Value [3920] collapsed among the items the schema does not use")
    er.location_once_scrolled_into_view
    shot(d, "09b-breast-ssdis")
    got = sqlite3.connect(DB).execute(
        "SELECT t.abstractedBy, t.dateCaseCompleted FROM tumor t JOIN patient p ON p.id = t.patient_id "
        "WHERE p.patientIdNumber = ?", (new_key,)).fetchone()
    check(got == ("ABB", datetime.date.today().strftime("%Y%m%d")),
          f"abstractor (ABB, from abby) and Date Case Completed filled on save ({got})")

    # 9c. the printable abstract: the link on the patient's page gives a PDF (fetched with the session)
    d.get(URL + f"/patients/{new_key}")
    link = d.find_element(By.CSS_SELECTOR, "a.pdf")
    href = link.get_attribute("href")
    check(href.endswith(f"/patients/{new_key}/tumors/1/abstract.pdf"), f"PDF link on the patient page ({href})")
    res = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('Content-Type'),
            String.fromCharCode(...new Uint8Array(b).slice(0, 5)), b.byteLength]))).catch(e => done([0, String(e), '', 0]));
        """, href)
    check(res[0] == 200 and res[1] == "application/pdf" and res[2] == "%PDF-" and res[3] > 1000,
          f"the PDF downloads ({res[0]}, {res[1]}, {res[3]} bytes)")
    shot(d, "09c-patient-with-pdf-link")

    # 10. work queue: the completed abstract is not in it, the sample's incomplete ones are
    # (one physician in the directory: the follow-up lists name her, the others say they are not in it)
    subprocess.run([os.environ["CRTK"], "physician", "set", DB, "10000003", "name=Anna Nguyen, MD", "--user", "ada"],
                   capture_output=True, text=True, check=True)
    # timeliness: first contact 01/15/2020 -> the window ended 07/15/2020; first contact a month ago -> due in
    # five months; one without a first-contact date says so
    recent = datetime.date.today() - datetime.timedelta(days=31)
    end = datetime.date(recent.year + (recent.month + 6 > 12), (recent.month + 6 - 1) % 12 + 1, recent.day)
    for case, first in (("00000002/1", "20200115"), ("00000003/1", recent.strftime("%Y%m%d")), ("00000004/1", ""),
                        ("00000005/1", "20200831")):
        res = subprocess.run([os.environ["CRTK"], "case", "set", DB, case, "dateOf1stContact=" + first, "--user", "abby"],
                             capture_output=True, text=True)
        check(res.returncode in (0, 1), f"case set {case} dateOf1stContact saved (exit 1: it fails an edit) {res.stderr}")
    d.get(URL + "/queues")
    rows = {r.find_element(By.TAG_NAME, "td").text: [c.text for c in r.find_elements(By.TAG_NAME, "td")]
            for r in d.find_elements(By.CSS_SELECTOR, "#queue-incomplete tbody tr")}
    check(rows.get("00000002 / 1", [""])[-1] == "past 6 months (ended 07/15/2020)",
          f"timeliness past the window ({rows.get('00000002 / 1', [''])[-1]!r})")
    check(rows.get("00000003 / 1", [""])[-1] == "due by " + end.strftime("%m/%d/%Y"),
          f"timeliness within the window ({rows.get('00000003 / 1', [''])[-1]!r})")
    check(rows.get("00000004 / 1", [""])[-1] == "no date of first contact", "timeliness without a first contact says so")
    check(rows.get("00000005 / 1", [""])[-1] == "past 6 months (ended 02/28/2021)",
          f"a window from August 31 ends on the last day of February ({rows.get('00000005 / 1', [''])[-1]!r})")
    check(rows.get("00000002 / 1", ["", "", "", "", "", ""])[5] == "07/11/2016", "diagnosis date as MM/DD/YYYY")
    q = d.find_element(By.ID, "queue-incomplete").text
    check(f"{new_key} / 1" not in q and "00000001 / 1" in q, "queue of incomplete abstracts (completed one left out)")
    shot(d, "10-queues")
    # the follow-up due and lost lists: the same patients as `crtk followup due`; 00000001 (contact posted
    # today in step 8) in neither
    for status in ["due", "lost"]:
        out = subprocess.run([os.environ["CRTK"], "followup", "due", DB, "--status", status, "--format", "csv"],
                             capture_output=True, text=True, check=True).stdout
        want = {line.split(",")[0] for line in out.splitlines()[1:] if line}
        rows = d.find_elements(By.CSS_SELECTOR, f"#followup-{status} tbody tr")
        got = {r.get_attribute("data-patient") for r in rows}
        check(got == want and len(want) > 0, f"follow-up {status} list: {len(got)} patients, as crtk followup due says")
        check("00000001" not in got, f"patient 00000001, contacted today, not {status}")
        cells = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows]
        check(all(not c[5] or re.fullmatch(r"\d — \S.*", c[5]) for c in cells) and any(c[5] for c in cells),
              f"follow-up {status} list: next source with its meaning (e.g. {cells[0][5] if cells else ''!r})")
        check(all(c[6] in ("", "Anna Nguyen, MD (10000003)") or c[6].endswith("(not in the physician directory)")
                  for c in cells), f"follow-up {status} list: physicians by name from the directory, or said to be missing")
        if status == "due":
            check(any(c[6] == "Anna Nguyen, MD (10000003)" for c in cells), "the due list names the directory's physician")
    d.find_element(By.ID, "followup").location_once_scrolled_into_view
    shot(d, "10b-followup-lists")

    # 10b. log out
    d.find_element(By.CSS_SELECTOR, "form.logout button").click()
    wait.until(EC.presence_of_element_located((By.NAME, "username")))
    d.get(URL + "/patients")
    check("/login" in d.current_url, "after logging out, pages lead to the log-in page")

    # 11. the idle timeout (server with --idle-timeout 0.05 = 3 s)
    login(d, SHORT_URL, "abby", "abstract-pass-1")
    wait.until(EC.url_contains("/patients"))
    time.sleep(4)
    d.get(SHORT_URL + "/patients?q=fern")
    check("/login" in d.current_url, "an idle session has ended: back to the log-in page")
finally:
    d.quit()

if FAILS:
    print(f"{len(FAILS)} check(s) failed")
    sys.exit(1)
print("all browser checks passed")
