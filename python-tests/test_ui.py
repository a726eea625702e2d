"""`voyager ui` in a real browser: Debian's headless Chromium driven through chromedriver
(selenium), against a control plane holding a fleet whose database names are hostile.

Every page is loaded, the ranked table sorted and filtered, a database opened with its issues
and the diff of two runs, the start-migration command read; after each page, no script from a
name has run (no dialog, the title unchanged, no element a name tried to make). Screenshots go
to $VOYAGER_ARTIFACTS_DIR/ui (default target/artifacts/ui) for CI to keep."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import env

XSS = "<img src=x onerror=alert(1)>"
HOSTILE = [XSS, "javascript:alert(1)", "it's \"quoted\"", "ünïcødé 数据"]
REPO = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("VOYAGER_ARTIFACTS_DIR", REPO / "target" / "artifacts")) / "ui"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", "-X", "-q", url, "-c", sql], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def hostile_fleet(tmp_path_factory: pytest.TempPathFactory, cli: str, cp_url: str) -> Iterator[Tuple[str, Path]]:
    """A control plane of its own holding fleet 'ui <fleet>': the hostile databases (the first
    one assessed twice, with an xml column added in between), one clean database, and one
    unreachable entry that fails."""
    admin = env("VOYAGER_SOURCE_ADMIN_URL")
    name = "pyui_" + os.urandom(4).hex()
    psql(cp_url, f"CREATE DATABASE {name}")
    cp = cp_url.rsplit("/", 1)[0] + "/" + name
    for db in HOSTILE + ["ui_clean"]:
        psql(admin, f"DROP DATABASE IF EXISTS {quoted(db)} WITH (FORCE)")
        psql(admin, f"CREATE DATABASE {quoted(db)} OWNER amakala")
    work = tmp_path_factory.mktemp("ui")
    fleet_file = work / "fleet.csv"
    host, port = env("VOYAGER_SOURCE_HOST"), env("VOYAGER_SOURCE_PORT")
    with open(fleet_file, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["host", "port", "database", "user", "password_env", "team"])
        for db in HOSTILE + ["ui_clean"]:
            w.writerow([host, port, db, "amakala", "FLEET_PW", "<b>red</b>"])
        w.writerow([host, free_port(), "ui_down", "amakala", "FLEET_PW", "blue"])
    run_env = dict(os.environ, FLEET_PW="password")

    def assess(*extra: str) -> None:
        r = subprocess.run([cli, "assess-fleet", "--fleet-file", str(fleet_file), "--fleet-name", "ui <fleet>",
                            "--work-dir", str(work / "runs"), "--assessment-control-plane", cp,
                            "--timeout-seconds", "20", *extra],
                           env=run_env, capture_output=True, text=True, timeout=300)
        assert r.returncode in (0, 1), r.stderr  # 1: the unreachable one failed, as it should
        assert "ui_down" in r.stdout + r.stderr

    assess()
    # The first hostile database gains an xml column; its second run has one more issue. (A URI
    # cannot carry the name as it is: key=value with the name quoted.)
    xml_db = f"host={host} port={port} user=amakala password=password dbname='{XSS}'"
    subprocess.run(["psql", "-X", "-q", "-d", xml_db, "-c", "CREATE TABLE public.docs (id int PRIMARY KEY, body xml)"],
                   check=True, capture_output=True)
    assess("--reassess")
    yield cp, work
    for db in HOSTILE + ["ui_clean"]:
        subprocess.run(["psql", "-X", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {quoted(db)} WITH (FORCE)"],
                       capture_output=True)


def start_ui(cli: str, cp: str, *extra: str) -> Tuple[subprocess.Popen[str], Dict[str, object]]:
    proc = subprocess.Popen([cli, "--json", "ui", "--assessment-control-plane", cp, "--port", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    text = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        text += line
        if line.startswith("}"):
            return proc, json.loads(text)
    proc.kill()
    raise AssertionError(f"voyager ui did not say where it listens: {text!r} {proc.stderr.read() if proc.stderr else ''}")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(2)  # Ctrl-C: a clean stop
    assert proc.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def no_script_ran(driver: webdriver.Chrome, title: str) -> None:
    """Nothing a database name carried has run: no dialog, the title as the page set it, and no
    element that a name tried to create."""
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        raise AssertionError(f"a dialog opened: {text!r}")
    except NoAlertPresentException:
        pass
    assert driver.title == title, driver.title
    assert driver.find_elements(By.CSS_SELECTOR, "main img") == []
    assert driver.execute_script("return window.__voyager_pwned === undefined")


def shot(driver: webdriver.Chrome, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / f"{name}.png"))


def names_in_table(driver: webdriver.Chrome) -> List[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#ranked a.db")]


def test_the_dashboard_in_a_browser(browser: webdriver.Chrome, cli: str,
                                    hostile_fleet: Tuple[str, Path]) -> None:
    cp, _ = hostile_fleet
    proc, ready = start_ui(cli, cp)
    url = str(ready["url"])
    try:
        # Overview.
        browser.get(url)
        no_script_ran(browser, "voyager · Overview")
        assert browser.find_element(By.ID, "count-databases").text == "6"
        assert len(browser.find_elements(By.CSS_SELECTOR, "svg circle")) == 5  # the assessed ones
        shot(browser, "overview")

        # Every database: sort by name both ways, then filter.
        browser.find_element(By.LINK_TEXT, "Databases").click()
        no_script_ran(browser, "voyager · Every database, ranked")
        shown = names_in_table(browser)
        assert sorted(shown) == sorted(HOSTILE + ["ui_clean", "ui_down"]), shown
        browser.find_element(By.ID, "sort-database").click()
        assert names_in_table(browser) == sorted(shown)
        browser.find_element(By.ID, "sort-database").click()
        assert names_in_table(browser) == sorted(shown, reverse=True)
        box = browser.find_element(By.ID, "filter-q")
        box.clear()
        box.send_keys("javascript")
        browser.find_element(By.ID, "filter-apply").click()
        assert names_in_table(browser) == ["javascript:alert(1)"]
        assert "javascript" in browser.current_url  # the filter is in the URL, so it can be shared
        link = browser.find_element(By.CSS_SELECTOR, "#ranked a.db")
        assert link.get_attribute("href").startswith(url.rstrip("/") + "/databases/")
        browser.get(url + "databases?wave=none")
        assert names_in_table(browser) == ["ui_down"]
        browser.get(url + "databases?sort=database")
        shot(browser, "databases")

        # One database: the hostile one, with its issues, the diff of its two runs, the command.
        browser.find_element(By.LINK_TEXT, XSS).click()
        no_script_ran(browser, f"voyager · {XSS} on {env('VOYAGER_SOURCE_HOST')}:{env('VOYAGER_SOURCE_PORT')}")
        assert browser.find_element(By.ID, "database-name").text == XSS
        issues = browser.find_element(By.CSS_SELECTOR, "section.issues").text
        assert "UNSUPPORTED_DATATYPE_XML" in issues and "docs" in issues
        added = browser.find_element(By.ID, "diff-added").text
        assert "UNSUPPORTED_DATATYPE_XML" in added and "public.docs" in added, added
        assert browser.find_element(By.ID, "diff-removed").text == "none"
        command = browser.find_element(By.ID, "start-command").text
        uuid = browser.current_url.rsplit("/", 1)[1]
        assert command.startswith("voyager start-migration --migration-dir ")
        assert command.endswith(f"--migration-uuid {uuid}")
        assert "yugabyte@" in command and "yugabyte:yugabyte@" not in command  # redacted
        assert f"'./{XSS}-migration'" in command  # one shell word
        browser.find_element(By.ID, "copy-command").click()
        # The clipboard answers asynchronously: wait for the status (up to 10 s on a busy machine).
        outcomes = ("copied", "selected: press Ctrl+C")
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "copy-status").text in outcomes)
        shot(browser, "database")

        # Fleets: the failure and its reason.
        browser.find_element(By.LINK_TEXT, "Fleets").click()
        no_script_ran(browser, "voyager · Fleets")
        fleets = browser.find_element(By.TAG_NAME, "main").text
        assert "ui <fleet>" in fleets and "ui_down" in fleets and "refused" in fleets, fleets
        shot(browser, "fleets")

        # The other hostile names, each on its own page.
        for name in HOSTILE[1:]:
            browser.get(url + "databases?q=" + urllib.request.quote(name))
            browser.find_element(By.LINK_TEXT, name).click()
            assert browser.find_element(By.ID, "database-name").text == name
            no_script_ran(browser, f"voyager · {name} on {env('VOYAGER_SOURCE_HOST')}:{env('VOYAGER_SOURCE_PORT')}")
    finally:
        stop(proc)


def get(url: str, headers: Dict[str, str] | None = None, method: str = "GET") -> Tuple[int, Dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_the_api_and_its_guards(cli: str, hostile_fleet: Tuple[str, Path]) -> None:
    cp, _ = hostile_fleet
    proc, ready = start_ui(cli, cp)
    base = str(ready["url"])
    try:
        status, headers, body = get(base + "api/databases?sort=database&per_page=2&page=2")
        page = json.loads(body)
        assert status == 200 and (page["total"], page["matched"], page["page"], page["pages"]) == (6, 6, 2, 3)
        assert [r["database"] for r in page["rows"]] == sorted(HOSTILE + ["ui_clean", "ui_down"])[2:4]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        uuid = page["rows"][0]["migration_uuid"]
        status, _, body = get(base + f"api/databases/{uuid}")
        assert status == 200 and json.loads(body)["details"]["latest"]["migration_uuid"] == uuid
        overview = json.loads(get(base + "api/overview")[2])
        assert overview["databases"] == 6 and overview["by_status"]["failed"] == 1
        fleets = json.loads(get(base + "api/fleets")[2])
        assert [(f["name"], f["failed"]) for f in fleets] == [("ui <fleet>", 1)]
        # Bad input: a clear 400 naming what is allowed; nothing to write.
        status, _, body = get(base + "api/databases?sort=sideways")
        assert status == 400 and "sort 'sideways' is not one of rank" in json.loads(body)["error"]["message"]
        assert get(base + "api/databases/not-a-uuid")[0] == 400
        assert get(base + "api/databases/00000000-0000-0000-0000-000000000000")[0] == 404
        assert get(base + "api/databases", method="POST")[0] == 405
        assert get(base + "api/nothing")[0] == 404
        # Another site's page reaching the loopback dashboard by DNS rebinding is refused.
        assert get(base, headers={"Host": "evil.example:80"})[0] == 421
        # The ranking is kept between pages, but the dashboard stays live: a change to the
        # control plane shows on the next request.
        clean = json.loads(get(base + "api/databases?q=ui_clean")[2])["rows"][0]["migration_uuid"]
        r = subprocess.run([cli, "control-plane", "forget", clean, "--yes", "--include-yugabyted",
                            "--assessment-control-plane", cp],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert json.loads(get(base + "api/overview")[2])["databases"] == 5
        assert json.loads(get(base + "api/databases?q=ui_clean")[2])["matched"] == 0
    finally:
        stop(proc)
    # Off loopback, a token is required: generated when not given.
    proc, ready = start_ui(cli, cp, "--bind", "0.0.0.0")
    try:
        token = str(ready["url"]).split("?token=", 1)[1]
        plain = str(ready["url"]).split("?", 1)[0]
        assert len(token) == 32
        assert get(plain)[0] == 401
        assert get(plain + "api/overview", {"Authorization": "Bearer wrong" + token})[0] == 401
        assert get(plain + "api/overview", {"Authorization": f"Bearer {token}"})[0] == 200
        status, headers, _ = get(str(ready["url"]))
        assert status == 200 and "HttpOnly" in headers["set-cookie"]
        assert get(plain, {"Cookie": f"voyager_ui_token={token}"})[0] == 200
    finally:
        stop(proc)
    r = subprocess.run([cli, "ui", "--assessment-control-plane", cp, "--bind", "0.0.0.0", "--token", "short"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "at least 16 characters" in r.stderr
