#!/usr/bin/python3
"""console_test.py - drives the operator console (/ui/) in a real browser:
Debian's chromium, headless, through chromium-driver and python3-selenium.
Called by t480-console.sh as: console_test.py SCENARIO, with the server's
URL, the tokens and the artefact directory in the environment. Exits 0 when
the scenario holds, 77 to skip, 1 with a message otherwise."""
import csv
import http.cookiejar
import io
import os
import subprocess
import sys
import tempfile
import atexit
import shutil
import time
import urllib.error
import urllib.request

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("python3-selenium is not installed")
    sys.exit(77)

URL = os.environ["URL"]
SHOTS = os.environ["FC_SHOTS"]
COLLECTOR = os.environ["COLLECTOR_BIN"]
DB = os.environ["DB"]


PROFILES = []


def remove_profiles():
    for p in PROFILES:
        shutil.rmtree(p, ignore_errors=True)


atexit.register(remove_profiles)


def browser():
    """A headless chromium with a new empty profile (removed at exit)."""
    PROFILES.append(tempfile.mkdtemp(prefix="chromium-"))
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--window-size=1100,900",
              "--user-data-dir=" + PROFILES[-1]):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def shot(d, name):
    os.makedirs(SHOTS, exist_ok=True)
    d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def click_and_wait(d, elem, test):
    """Clicks elem, then waits (10 s at most) for the new page to hold."""
    elem.click()
    WebDriverWait(d, 10).until(lambda drv: test(drv))


def login(d, token):
    d.get(URL + "/ui/login")
    d.find_element(By.ID, "token").send_keys(token)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form button[type=submit]"),
                   lambda drv: drv.current_url.endswith("/ui/") and
                   drv.find_elements(By.CSS_SELECTOR, "h1"))


def fetch(d, path, data=None):
    """GETs (or POSTs data) path with the browser's session cookies;
    returns (status, body bytes)."""
    cookie = "; ".join("%s=%s" % (c["name"], c["value"]) for c in d.get_cookies())
    req = urllib.request.Request(URL + path, data=data, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cli(*args):
    return subprocess.run([COLLECTOR] + list(args) + ["--db", DB], check=True,
                          capture_output=True).stdout


def table_rows(d, css="main table"):
    t = d.find_elements(By.CSS_SELECTOR, css)[-1]
    rows = []
    for tr in t.find_elements(By.CSS_SELECTOR, "tr"):
        cells = tr.find_elements(By.CSS_SELECTOR, "th,td")
        rows.append([c.text for c in cells])
    return rows


def on_login_page(d):
    return d.current_url.split("?")[0].endswith("/ui/login") and \
        d.find_elements(By.ID, "token")


def admin_pages():
    d = browser()
    try:
        login(d, os.environ["ADMIN"])
        shot(d, "overview")
        assert d.find_elements(By.CSS_SELECTOR, "svg[role=img] rect"), "no chart"
        heads = [h.text for h in d.find_elements(By.TAG_NAME, "h2")]
        assert "Machines by evidence" in heads, heads
        d.get(URL + "/ui/tender?horizon=24")
        shot(d, "tender")
        got = table_rows(d)
        want = list(csv.reader(io.StringIO(
            cli("report", "tender", "--horizon-months", "24", "--format", "csv").decode())))
        assert got == want, (got, want)
        assert "horizon 24 months" in d.find_element(By.CSS_SELECTOR, "caption").text
        assert len(want) > 1, want
        st, body = fetch(d, "/ui/tender.csv?horizon=24")
        assert st == 200 and body == cli("report", "tender", "--horizon-months", "24",
                                         "--format", "csv"), (st, body)
        # the print style sheet: no navigation or forms on paper
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not d.find_element(By.CSS_SELECTOR, "header").is_displayed()
        assert not d.find_element(By.ID, "tender-csv").is_displayed()
        assert not d.find_element(By.CSS_SELECTOR, "main form").is_displayed()
        assert d.find_element(By.CSS_SELECTOR, "main table").is_displayed()
        shot(d, "tender-print")
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        d.get(URL + "/ui/campaigns")
        shot(d, "campaigns")
        click_and_wait(d, d.find_element(By.LINK_TEXT, "esu 10"),
                       lambda drv: "Audit log" in drv.page_source)
        assert "signed" in d.page_source
        shot(d, "campaign-admin")
        d.get(URL + "/ui/burndown?product=Windows+10&to=2026-10-31")
        shot(d, "burndown")
        assert len(d.find_elements(By.CSS_SELECTOR, "svg polyline")) == 2
        want = list(csv.reader(io.StringIO(cli(
            "report", "trend", "--product", "Windows 10", "--to", "2026-10-31",
            "--format", "csv").decode())))
        assert table_rows(d) == want and len(want) == 11, (table_rows(d), want)
        d.get(URL + "/ui/stale?as_of=2030-01-01")
        shot(d, "stale")
        st, body = fetch(d, "/ui/stale.csv?as_of=2030-01-01")
        assert st == 200 and body == cli("report", "stale", "--as-of", "2030-01-01",
                                         "--format", "csv"), st
        want = list(csv.reader(io.StringIO(body.decode())))
        assert table_rows(d) == want and len(want) == 64, (len(table_rows(d)), len(want))
        assert not d.find_elements(By.CSS_SELECTOR, "a[rel=next]")  # one page of 500
        d.get(URL + "/ui/search")
        shot(d, "search")
        click_and_wait(d, d.find_element(By.ID, "next"), lambda drv: "page 2" in drv.page_source)
    finally:
        d.quit()


def manager_campaign():
    import openpyxl
    d = browser()
    try:
        login(d, os.environ["NMGR"])
        d.get(URL + "/ui/campaigns")
        click_and_wait(d, d.find_element(By.LINK_TEXT, "esu 10"),
                       lambda drv: drv.find_elements(By.ID, "join"))
        click_and_wait(d, d.find_element(By.ID, "join"),
                       lambda drv: ">joined<" in drv.page_source)
        assert "/ui/campaign?name=esu%2010" in d.current_url, d.current_url
        click_and_wait(d, d.find_element(By.ID, "sign"),
                       lambda drv: ">signed<" in drv.page_source)
        shot(d, "campaign-manager")
        state = subprocess.run(["sqlite3", DB, "SELECT state FROM campaign_members"],
                               capture_output=True, check=True).stdout.decode().strip()
        assert state == "signed", state
        st, body = fetch(d, "/ui/campaign.xlsx?name=esu%2010")
        assert st == 200 and body[:2] == b"PK", st
        mine = os.path.join(SHOTS, "console.xlsx")
        open(mine, "wb").write(body)
        theirs = os.path.join(SHOTS, "cli.xlsx")
        # the CLI as the same manager sees it: its token's organisation
        cli("campaign", "show", "esu 10", "--format", "xlsx", "--output", theirs)
        a = list(openpyxl.load_workbook(mine).active.iter_rows(values_only=True))
        b = list(openpyxl.load_workbook(theirs).active.iter_rows(values_only=True))
        north = [r for r in b if r and r[0] == "north"]
        assert a[0] == b[0], (a[0], b[0])
        assert [r for r in a if r and r[0] == "north"] == north and north, (a, b)
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "header form button"), on_login_page)
        d.get(URL + "/ui/")
        assert on_login_page(d), "signed out, the console still answers"
    finally:
        d.quit()


def reader_scope():
    d = browser()
    try:
        login(d, os.environ["READER"])
        shot(d, "reader-overview")
        for p in ("/ui/", "/ui/tender?horizon=24", "/ui/campaigns",
                  "/ui/campaign?name=esu%2010", "/ui/burndown?product=Windows+10",
                  "/ui/stale?as_of=2030-01-01", "/ui/search", "/ui/search?q=south",
                  "/ui/tender.csv?horizon=24"):
            if p.endswith(".csv?horizon=24"):
                st, body = fetch(d, p)
                text = body.decode()
            else:
                d.get(URL + p)
                text = d.page_source
                if "q=" in p:  # the query itself is in its input field
                    text = " ".join(" ".join(r) for r in table_rows(d))
            for bad in ("south", "host-s-", "<img src=x"):
                assert bad not in text, (p, bad)
            assert "north" in text or p.startswith("/ui/campaign") or "q=south" in p, p
    finally:
        d.quit()


def xss():
    d = browser()
    try:
        login(d, os.environ["ADMIN"])
        d.get(URL + "/ui/search?q=onerror")
        shot(d, "xss-search")
        cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, "tbody td")]
        assert any("<img src=x onerror=" in c for c in cells), cells
        assert not d.find_elements(By.CSS_SELECTOR, "main img"), "an img element was made"
        assert d.title != "pwned", d.title
        assert d.execute_script("return window.fcpwned === undefined")
    finally:
        d.quit()


def csrf():
    d = browser()
    try:
        login(d, os.environ["NMGR"])
        st, _ = fetch(d, "/ui/campaign", b"name=esu+10&action=withdraw")
        assert 400 <= st < 500, st
        st, _ = fetch(d, "/ui/campaign", b"csrf=0000&name=esu+10&action=withdraw")
        assert 400 <= st < 500, st
        st, _ = fetch(d, "/ui/logout", b"")
        assert 400 <= st < 500, st
        d.get(URL + "/ui/")
        assert not on_login_page(d), "the refused logout ended the session"
    finally:
        d.quit()


def revoked():
    from selenium.webdriver.common.keys import Keys
    d = browser()
    try:
        # the keyboard alone: Tab reaches the token field, Enter signs in
        d.get(URL + "/ui/login")
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        field = d.switch_to.active_element
        assert field.get_attribute("id") == "token", field.get_attribute("outerHTML")
        field.send_keys(os.environ["SPARE"] + Keys.ENTER)
        WebDriverWait(d, 10).until(lambda drv: drv.current_url.endswith("/ui/"))
        d.delete_all_cookies()
        login(d, os.environ["SPARE"])
        d.get(URL + "/ui/tender")
        assert not on_login_page(d)
        cli("token", "revoke", os.environ["SPARE_ID"])
        d.get(URL + "/ui/tender")
        assert on_login_page(d), d.current_url
        shot(d, "login")
    finally:
        d.quit()


def expired():
    d = browser()
    try:
        login(d, os.environ["ADMIN"])
        time.sleep(float(os.environ["FC_TEST_SESSION_SECONDS"]) + 1)
        d.get(URL + "/ui/stale")
        assert on_login_page(d), d.current_url
    finally:
        d.quit()


if __name__ == "__main__":
    try:
        globals()[sys.argv[1]]()
    except AssertionError as e:
        print("assertion failed:", str(e)[:2000])
        sys.exit(1)
