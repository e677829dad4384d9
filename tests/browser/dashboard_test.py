#!/usr/bin/env python3
"""End to end in headless Chromium: the web dashboard against the real server.

Starts `$MAINSPRING_BINARY serve` on a free loopback port with a temp data dir, then drives
/ui/ through Selenium: the overview, a job made through the form (a validation error shown at
its field, the job firing, pause, resume, run now, edit, delete), markup in names, memos and
output tails rendered as text, a group's run pools (added, joined by a job through its form,
refused deletion while named, disabled, edited, deleted), a 100,000-job group paged and
searched, a 360 px screen, dark mode, the keyboard, and a second server with --require-api-key
(the key asked for, kept in sessionStorage, never in a URL). Every wait is bounded.
Screenshots of the main views go to $MAINSPRING_SCREENSHOTS (default: ./screenshots).

Exits 77 (ctest SKIP_RETURN_CODE) when Chromium, chromedriver or Selenium is missing.

    MAINSPRING_BINARY=build/app/mainspring MAINSPRING_SCREENSHOTS=docs/screenshots \
        /usr/bin/python3 tests/browser/dashboard_test.py
"""
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SKIP = 77
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_S = 15            # the longest any single UI condition may take
BIG_WAIT_S = 30        # conditions over the 100,000-job group
START_WAIT_S = 30      # the server's start (health)
HEALTH_TIMEOUT_S = 2   # one health probe while it starts
BIG_GROUP_JOBS = 100_000
MAX_TABS = 40          # Tab presses allowed to reach a job's first action

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    print("SKIP: python3-selenium is not installed")
    sys.exit(SKIP)
if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    print(f"SKIP: {CHROMIUM} or {CHROMEDRIVER} is missing")
    sys.exit(SKIP)

SERVER = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, path, body=None, raw=None, timeout=120):
    """The native API from a non-browser client; answers (status, payload)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(SERVER["url"] + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def ok(method, path, body=None, raw=None):
    status, payload = call(method, path, body, raw)
    assert status == 200, f"{method} {path}: {status} {payload}"
    return payload["success"]


def big_group_archive(group, count):
    """A dump archive (version 2) holding `count` manual no-op jobs: imported in one call."""
    jobs = ",\n".join(json.dumps({"id": f"job_{i:06d}", "group_name": group, "name": f"big job {i}",
                                  "interval_pattern": "@manually" if i % 10 else "@daily", "executor": "noop",
                                  "paused": i % 7 == 0, "otp_token": "JBSWY3DPEHPK3PXP"})
                      for i in range(count))
    files = {
        f"{group}.json": '{"group": ' + json.dumps({"name": group, "secret": "JBSWY3DPEHPK3PXP", "created_ms": 0})
                         + ',\n"jobs": [\n' + jobs + '\n],\n"funcs": []}\n',
        "dump-manifest.json": json.dumps({"format": "mainspring-dump", "version": 2,
                                          "created": "2026-12-01T00:00:00Z", "groups": [group]}),
    }
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def setUpModule():
    binary = os.environ.get("MAINSPRING_BINARY", "build/app/mainspring")
    SERVER["dir"] = tempfile.mkdtemp(prefix="mainspring-ui-")
    SERVER["port"] = free_port()
    SERVER["url"] = f"http://127.0.0.1:{SERVER['port']}"
    SERVER["log"] = open(os.path.join(SERVER["dir"], "server.log"), "wb")
    SERVER["proc"] = subprocess.Popen(
        [binary, "serve", "--listen", f"127.0.0.1:{SERVER['port']}", "--data-dir", os.path.join(SERVER["dir"], "data")],
        stdout=SERVER["log"], stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_WAIT_S
    while True:
        try:
            if call("GET", "/health", timeout=HEALTH_TIMEOUT_S)[0] == 200:
                break
        except OSError:  # refused before it listens, or no answer yet
            pass
        if SERVER["proc"].poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not start: " + open(SERVER["log"].name).read()[-2000:])
        time.sleep(0.1)
    # Some activity for the overview: a ticking job and a failing one.
    ok("POST", "/v1/register/group", {"group_name": "demo"})
    ok("POST", "/v1/add/job", {"group_name": "demo", "name": "heartbeat", "interval_pattern": "@every 1s",
                               "request_url": "NOOP@", "exec_time": 0})
    ok("POST", "/v1/add/job", {"group_name": "demo", "name": "flaky backup", "interval_pattern": "*/5 * * * * *",
                               "exec_command": "echo disk full >&2; exit 1", "exec_time": 0})
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu", "--force-prefers-reduced-motion"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    SERVER["driver"] = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    SERVER["driver"].set_page_load_timeout(WAIT_S)
    SERVER["shots"] = os.environ.get("MAINSPRING_SCREENSHOTS", "screenshots")
    os.makedirs(SERVER["shots"], exist_ok=True)


def tearDownModule():
    if "driver" in SERVER:
        SERVER["driver"].quit()
    proc = SERVER.get("proc")
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    SERVER["log"].close()
    shutil.rmtree(SERVER["dir"], ignore_errors=True)


class Dashboard(unittest.TestCase):
    def setUp(self):
        self.d = SERVER["driver"]

    # -- helpers --

    def open(self, route):
        self.d.get(f"{SERVER['url']}/ui/#{route}")

    def wait(self, condition, timeout=WAIT_S, message=""):
        return WebDriverWait(self.d, timeout, poll_frequency=0.1).until(condition, message)

    def element(self, css, timeout=WAIT_S):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout, f"no visible {css}")

    def click(self, css, timeout=WAIT_S):
        # A job's page re-renders as it polls the server: a button found just before a re-render
        # is gone by the click (a stale element, not clicked). It is found again then.
        def clicked(_):
            try:
                self.element(css, timeout).click()
                return True
            except StaleElementReferenceException:
                return False
        self.wait(clicked, timeout, f"could not click {css}")

    def text_in(self, css, text, timeout=WAIT_S):
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), timeout,
                  f"{css} never showed {text!r}")

    def shot(self, name):
        self.d.execute_script("document.getElementById('notice').replaceChildren()")  # no stale toasts
        self.d.save_screenshot(os.path.join(SERVER["shots"], f"{name}.png"))

    def fill(self, css, text):
        box = self.element(css)
        box.clear()
        box.send_keys(text)

    def assert_no_csp_violation(self):
        problems = [e["message"] for e in self.d.get_log("browser")
                    if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
        self.assertEqual(problems, [])

    # -- tests (numbered: they run in this order) --

    def test_1_root_redirects_and_overview_shows_stats(self):
        self.d.get(SERVER["url"] + "/")
        self.wait(EC.url_contains("/ui/"))
        self.text_in("h1", "Overview")
        self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#overview .card")) >= 8)
        self.text_in("#overview", "Lateness")
        self.element("#overview svg.chart")
        self.assertEqual(self.d.execute_script("return document.querySelectorAll('script:not([src])').length"), 0)
        self.assert_no_csp_violation()

    def test_2_a_job_made_in_the_form_fires_pauses_resumes_runs_and_is_deleted(self):
        ok("POST", "/v1/register/group", {"group_name": "life"})
        self.open("/g/life")
        self.click("#new-job")
        self.fill("#f-name", "ui ticker")
        Select(self.element("#f-executor")).select_by_value("http")
        self.fill("#f-target", "ftp://example.invalid/")
        self.fill("#f-pattern", "0 0 25 * * *")
        # The preview refuses the pattern at its field, as the user types.
        self.text_in("#f-pattern-error", "interval_pattern: field 3 (hour) out of range 0-23: 25")
        self.fill("#f-pattern", "@every 2s")
        self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#preview-fires li")) == 5)
        self.click("#save")
        # The server's validation message lands under the URL field it names.
        self.text_in("#f-target-error", "request_url")
        self.assertEqual(self.element("#f-target").get_attribute("aria-invalid"), "true")
        self.shot("job_form_error")
        Select(self.element("#f-executor")).select_by_value("shell")
        self.fill("#f-command", "echo hello-from-the-dashboard")
        self.click("#save")
        self.wait(EC.url_contains("/job/"))
        job_id = self.d.current_url.rsplit("/", 1)[1]
        # It fires on its schedule and the run shows with its output tail.
        self.wait(lambda d: "succeeded" in d.find_element(By.ID, "runs").text)
        self.click("#runs-table details summary")
        self.text_in("#runs-table", "hello-from-the-dashboard")
        self.text_in("#next-fires", ":")
        self.shot("job_detail")
        self.click("#pause")
        self.element("#resume")
        self.text_in(".title-row", "paused")
        self.assertEqual(ok("GET", f"/v1/life/job/{job_id}")["phase"], "paused")
        self.click("#resume")  # at its schedule's next fire (next_fire: true), no run now
        self.element("#pause")
        resumed = ok("GET", f"/v1/life/job/{job_id}")
        self.assertEqual(resumed["phase"], "active")
        self.assertIsNotNone(resumed["next_fire_time"])
        self.click("#run-now")
        self.wait(lambda d: any(r["trigger"] == "manual" for r in ok("GET", f"/v1/life/job/{job_id}/executions")))
        self.text_in("#runs-table", "manual")
        # Edit: the form comes back filled in; a changed memo and schedule are saved.
        self.click("#edit")
        self.wait(lambda d: self.element("#f-name").get_attribute("value") == "ui ticker")
        self.assertEqual(self.element("#f-pattern").get_attribute("value"), "@every 2s")
        self.fill("#f-memo", "edited in the dashboard")
        self.fill("#f-pattern", "@every 1h")
        self.click("#save")
        self.wait(EC.url_matches(r"/job/[0-9]+$"))
        self.text_in(".spec", "edited in the dashboard")
        self.text_in(".spec", "@every 1h")
        self.assertEqual(ok("GET", f"/v1/life/job/{job_id}")["memo"], "edited in the dashboard")
        self.click("#delete")
        self.wait(EC.alert_is_present()).accept()
        self.wait(lambda d: d.current_url.endswith("#/g/life"))
        self.assertEqual(call("GET", f"/v1/life/job/{job_id}")[0], 404)
        self.assert_no_csp_violation()

    def test_2b_lua_and_remote_jobs_through_the_form(self):
        ok("POST", "/v1/register/group", {"group_name": "kinds"})
        self.open("/g/kinds/new")
        self.d.refresh()
        self.fill("#f-name", "lua_hello")
        Select(self.element("#f-executor")).select_by_value("remote")
        self.fill("#f-target", "*")
        self.fill("#f-command", "uptime")
        Select(self.element("#f-schedule_kind")).select_by_value("manual")
        self.text_in("#preview-fires", "Never fires by time")
        self.click("#save")
        # This server has no --node-listen: the refusal names request_url, shown at the nodes field.
        self.text_in("#f-target-error", "request_url")
        Select(self.element("#f-executor")).select_by_value("lua")
        self.fill("#f-command", 'function lua_hello(id, group) print("lua says hi to " .. group) end')
        self.click("#save")
        self.wait(EC.url_contains("/job/"))
        self.text_in(".spec", "lua")
        self.click("#run-now")
        self.wait(lambda d: "succeeded" in d.find_element(By.ID, "runs").text)
        self.click("#runs-table details summary")
        self.text_in("#runs-table", "lua says hi to kinds")

    def test_3_markup_in_names_memos_and_output_renders_as_text(self):
        ok("POST", "/v1/register/group", {"group_name": "xss"})
        name = '<img src=x onerror="window.__xss=1">'
        memo = "<script>window.__xss=2</script>"
        output = '<script>window.__xss=3</script><img src=y onerror="window.__xss=4">'
        job_id = ok("POST", "/v1/add/job", {"group_name": "xss", "name": name, "memo": memo, "job_id": "evil",
                                            "interval_pattern": "@manually", "exec_command": f"printf '%s' '{output}'"})
        ok("POST", f"/v1/xss/job/{job_id}/run")
        self.open("/g/xss")
        self.text_in("#jobs-table", name)
        self.open(f"/g/xss/job/{job_id}")
        self.text_in("h1", name)
        self.text_in(".spec", memo)
        self.wait(lambda d: "succeeded" in d.find_element(By.ID, "runs").text)
        self.click("#runs-table details summary")
        self.text_in("#runs-table", output)
        self.assertIsNone(self.d.execute_script("return window.__xss"))
        self.assertEqual(self.d.execute_script("return document.querySelectorAll('main img, main script').length"), 0)
        with self.assertRaises(NoAlertPresentException):
            self.d.switch_to.alert.text

    def test_3b_a_retry_waiting_out_its_delay_is_named_on_the_job_page(self):
        ok("POST", "/v1/register/group", {"group_name": "retrying"})
        job_id = ok("POST", "/v1/add/job", {"group_name": "retrying", "name": "fails once", "retries": 2,
                                            "retry_delay": 3600, "interval_pattern": "@manually",
                                            "exec_command": "exit 3"})
        ok("POST", f"/v1/retrying/job/{job_id}/run")
        self.wait(lambda d: ok("GET", f"/v1/retrying/job/{job_id}").get("retries_waiting"))
        self.open(f"/g/retrying/job/{job_id}")
        self.text_in("#job-counts", "Retry 1 due")
        # Aborted, the retry is dropped and the line goes.
        ok("POST", f"/v1/retrying/job/{job_id}/abort")
        self.wait(lambda d: "Retry" not in d.find_element(By.ID, "job-counts").text)

    def test_3c_a_run_as_of_another_time_from_the_job_page(self):
        ok("POST", "/v1/register/group", {"group_name": "backfill"})
        job_id = ok("POST", "/v1/add/job", {"group_name": "backfill", "name": "report", "interval_pattern": "@manually",
                                            "exec_command": "echo for $MAINSPRING_PLAN_TIME"})
        self.open(f"/g/backfill/job/{job_id}")
        self.click("#as-of-row summary")
        box = self.element("#as-of")
        # The browser's own reading of the local time typed, as the page reads it.
        self.d.execute_script("arguments[0].value = '2025-01-02T03:04:05'", box)
        expected_s = self.d.execute_script("return Math.floor(new Date('2025-01-02T03:04:05').getTime() / 1000)")
        self.click("#run-as-of")
        self.wait(lambda d: any(r["state"] == "succeeded" for r in ok("GET", f"/v1/backfill/job/{job_id}/executions")))
        run = ok("GET", f"/v1/backfill/job/{job_id}/executions")[0]
        self.assertEqual(run["plan_time_ms"], expected_s * 1000)
        self.assertEqual(run["output_tail"], f"for {expected_s}\n")
        self.text_in("#runs-table", "(as of")
        # Nothing chosen: nothing runs.
        self.d.execute_script("arguments[0].value = ''", box)
        self.click("#run-as-of")
        self.text_in("#notice", "Choose the time")
        self.assertEqual(len(ok("GET", f"/v1/backfill/job/{job_id}/executions")), 1)

    def test_3d_a_follow_up_run_names_and_links_the_run_it_followed(self):
        ok("POST", "/v1/register/group", {"group_name": "chained"})
        load = ok("POST", "/v1/add/job", {"group_name": "chained", "name": "load", "interval_pattern": "@manually",
                                          "exec_command": "true"})
        extract = ok("POST", "/v1/add/job", {"group_name": "chained", "name": "extract", "interval_pattern": "@manually",
                                             "exec_command": "true", "controls": {"on_success": load}})
        ok("POST", f"/v1/chained/job/{extract}/run")
        self.wait(lambda d: any(r["state"] == "succeeded" for r in ok("GET", f"/v1/chained/job/{load}/executions")))
        self.open(f"/g/chained/job/{load}")
        self.text_in("#runs-table", "after extract (succeeded)")
        self.click("#runs-table .cause a")
        self.wait(EC.url_contains(f"/job/{extract}"))
        self.text_in("h1", "extract")

    def test_3e_a_pool_added_joined_by_a_job_disabled_edited_and_deleted(self):
        ok("POST", "/v1/register/group", {"group_name": "pooled"})
        self.open("/g/pooled")
        self.click("#tab-pools")
        self.wait(EC.url_contains("/g/pooled/pools"))
        self.element("#no-pools")
        # The name is checked in the page, before any call.
        self.fill("#pool-new-name", "night shift")
        self.click("#pool-new-save")
        self.text_in("#pool-new-name-error", "name: letters, digits and _ only")
        self.assertEqual(self.element("#pool-new-name").get_attribute("aria-invalid"), "true")
        # The server's 400 lands under the field it names.
        self.fill("#pool-new-name", "nightly")
        self.fill("#pool-new-max_running", "-1")
        self.click("#pool-new-save")
        self.text_in("#pool-new-max_running-error", "max_running: must be between 0 and")
        self.assertEqual(self.element("#pool-new-max_running").get_attribute("aria-invalid"), "true")
        self.assertEqual(ok("GET", "/v1/pooled/pools"), [])
        self.fill("#pool-new-max_running", "1")
        self.click("#pool-new-form summary")  # the defaults, folded away until asked for
        self.fill("#pool-new-memory_limit_bytes", "64")
        self.fill("#pool-new-memory_sustain_s", "5")
        self.click("#pool-new-save")
        row = '#pools-table tr[data-pool="nightly"]'
        self.text_in(row, "enabled")
        self.text_in(row, "0 / 1")
        self.text_in(row, "memory 64 MiB for 5 s")
        pool = ok("GET", "/v1/pooled/pool/nightly")
        self.assertEqual((pool["enabled"], pool["max_running"], pool["memory_limit_bytes"], pool["memory_sustain_s"]),
                         (True, 1, 64 << 20, 5))
        # A name taken is refused at its field: adding never replaces a pool.
        self.fill("#pool-new-name", "nightly")
        self.click("#pool-new-save")
        self.text_in("#pool-new-name-error", "already has a pool nightly")
        self.assertEqual(ok("GET", "/v1/pooled/pool/nightly")["max_running"], 1)

        # A job made through the form joins it; its page names the pool. A pool gone meanwhile is
        # the server's 400, shown at the pool's field.
        ok("PUT", "/v1/pooled/pool/gone", {})
        self.click("#tab-jobs")
        self.click("#new-job")
        self.fill("#f-name", "pooled job")
        Select(self.element("#f-executor")).select_by_value("noop")
        Select(self.element("#f-schedule_kind")).select_by_value("manual")
        self.assertEqual([o.get_attribute("value") for o in Select(self.element("#f-pool")).options], ["", "gone", "nightly"])
        Select(self.element("#f-pool")).select_by_value("gone")
        ok("DELETE", "/v1/pooled/pool/gone")
        self.click("#save")
        self.text_in("#f-pool-error", "controls: pool: group pooled has no run pool gone")
        self.assertEqual(self.element("#f-pool").get_attribute("aria-invalid"), "true")
        Select(self.element("#f-pool")).select_by_value("nightly")
        self.click("#save")
        self.wait(EC.url_matches(r"/job/[0-9]+$"))
        job_id = self.d.current_url.rsplit("/", 1)[1]
        self.text_in("#job-pool", "nightly")
        self.assertEqual(ok("GET", f"/v1/pooled/job/{job_id}")["controls"]["pool"], "nightly")

        # While the job names it, the pool cannot be deleted, and the page says why.
        self.click("#job-pool")
        self.wait(EC.url_contains("/g/pooled/pools"))
        self.click(f'{row} button[data-action="delete"]')
        self.wait(EC.alert_is_present()).accept()
        self.text_in("#pools-error", "Cannot delete the pool nightly")
        self.text_in("#pools-error", f"is named by 1 job(s) of group pooled ({job_id})")
        self.assertEqual(call("GET", "/v1/pooled/pool/nightly")[0], 200)
        self.element(row)
        self.shot("pools")
        # Disabled: every other setting sent back as it was.
        self.click(f'{row} button[data-action="toggle"]')
        self.text_in(row, "disabled")
        self.text_in(f'{row} button[data-action="toggle"]', "Enable")
        self.assertEqual(self.d.find_element(By.ID, "pools-error").text, "")
        pool = ok("GET", "/v1/pooled/pool/nightly")
        self.assertEqual((pool["enabled"], pool["max_running"], pool["memory_limit_bytes"], pool["memory_sustain_s"]),
                         (False, 1, 64 << 20, 5))
        # Edited: the form comes filled in, takes the focus, and keeps the switch as it is.
        self.click(f'{row} button[data-action="edit"]')
        self.assertEqual(self.d.switch_to.active_element.get_attribute("id"), "pool-edit-max_running")
        self.assertEqual(self.element("#pool-edit-memory_limit_bytes").get_attribute("value"), "64")
        self.fill("#pool-edit-max_running", "3")
        self.fill("#pool-edit-hook_url", "ftp://example.invalid/")
        self.click("#pool-edit-save")
        self.text_in("#pool-edit-hook_url-error", "hook_url: must be an http:// or https:// URL")
        self.fill("#pool-edit-hook_url", "")
        self.click("#pool-edit-save")
        self.text_in(row, "0 / 3")
        self.wait(EC.invisibility_of_element_located((By.ID, "pool-edit")))
        self.assertEqual(self.d.switch_to.active_element.get_attribute("data-action"), "edit")
        pool = ok("GET", "/v1/pooled/pool/nightly")
        self.assertEqual((pool["enabled"], pool["max_running"], pool["memory_limit_bytes"], pool["hook_url"]),
                         (False, 3, 64 << 20, ""))

        # Out of the pool through the job's form, then the pool goes.
        self.open(f"/g/pooled/job/{job_id}/edit")
        self.wait(lambda d: self.element("#f-pool").get_attribute("value") == "nightly")
        Select(self.element("#f-pool")).select_by_value("")
        self.click("#save")
        self.wait(EC.url_matches(r"/job/[0-9]+$"))
        self.text_in(".spec", "pooled job")
        self.assertEqual(self.d.find_elements(By.ID, "job-pool"), [])
        self.assertEqual(ok("GET", f"/v1/pooled/job/{job_id}").get("controls", {}).get("pool", ""), "")
        self.open("/g/pooled/pools")
        self.click(f'{row} button[data-action="delete"]')
        self.wait(EC.alert_is_present()).accept()
        self.element("#no-pools")
        self.assertEqual(call("GET", "/v1/pooled/pool/nightly")[0], 404)
        self.assert_no_csp_violation()

    def test_4_a_group_of_100000_jobs_pages_and_searches(self):
        started = time.monotonic()
        ok("POST", "/v1/import", raw=big_group_archive("big", BIG_GROUP_JOBS))
        print(f"imported {BIG_GROUP_JOBS} jobs in {time.monotonic() - started:.1f} s", file=sys.stderr)
        self.open("/g/big")
        self.text_in("#jobs-summary", "1–50 of 100,000", BIG_WAIT_S)
        self.assertEqual(len(self.d.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")), 50)
        self.shot("jobs_table")
        self.click("#page-next")
        self.text_in("#jobs-summary", "51–100 of 100,000", BIG_WAIT_S)
        self.text_in("#jobs-table", "job_000050")
        self.fill("#job-search", "job_009999")
        self.text_in("#jobs-summary", "of 1 job", BIG_WAIT_S)  # debounced, answered from the server
        self.text_in("#jobs-table", "big job 9999")
        self.fill("#job-search", "")
        Select(self.element("#job-state")).select_by_value("paused")
        paused = ok("GET", "/v1/big/jobs?state=paused&limit=1")["total"]
        self.assertGreater(paused, 0)
        self.text_in("#jobs-summary", f"of {paused:,} job", BIG_WAIT_S)
        Select(self.element("#job-sort")).select_by_value("next_fire")
        self.text_in("#jobs-summary", "1–50 of", BIG_WAIT_S)

    def test_5_overview_after_activity(self):
        self.open("/")
        self.d.refresh()
        self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#overview .chart rect")) >= 1)
        self.text_in("#overview", "100,")  # the big group's jobs are counted
        self.shot("overview")
        # Dark, as the system asks.
        self.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        self.assertTrue(self.d.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches"))
        self.shot("overview_dark")
        self.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    def test_6_no_page_overflows_a_360_px_screen(self):
        self.d.set_window_size(360, 800)
        try:
            width = self.d.execute_script("return window.innerWidth")
            ok("PUT", "/v1/demo/pool/narrow_screen_pool", {"max_running": 2, "cpu_limit_percent": 150, "cpu_sustain_s": 30,
                                                         "hook_url": "https://hooks.example.invalid/mainspring/runs"})
            for route, ready in (("/", "#overview .card"), ("/g/big", "#jobs-table"), ("/g/demo/new", "#f-pattern"),
                                 ("/groups", ".group-list"), ("/audit", "#audit-table"), ("/g/demo/pools", "#pools-table")):
                self.open(route)
                self.d.refresh()
                self.element(ready, BIG_WAIT_S)
                overflow = self.d.execute_script("return document.documentElement.scrollWidth")
                self.assertLessEqual(overflow, width, f"#{route} is {overflow} px wide on a {width} px screen")
                if route == "/g/big":
                    self.shot("jobs_table_narrow")
        finally:
            self.d.set_window_size(1280, 1000)

    def test_7_keyboard_reaches_and_presses_the_actions(self):
        job_id = ok("POST", "/v1/add/job", {"group_name": "demo", "name": "keyboard", "interval_pattern": "@manually",
                                            "request_url": "NOOP@", "job_id": "kbd"})
        self.open(f"/g/demo/job/{job_id}")
        self.d.refresh()
        self.element("#run-now")
        for _ in range(MAX_TABS):  # Tab until the focus is on Run now, then press Enter
            if self.d.switch_to.active_element.get_attribute("id") == "run-now":
                break
            ActionChains(self.d).send_keys(Keys.TAB).perform()
        self.assertEqual(self.d.switch_to.active_element.get_attribute("id"), "run-now")
        outline = self.d.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
        self.assertNotEqual(outline, "none")  # focus is visible
        self.d.switch_to.active_element.send_keys(Keys.ENTER)
        self.wait(lambda d: len(ok("GET", f"/v1/demo/job/{job_id}/executions")) >= 1)


def start_extra_server(test, prefix, flags):
    """Starts another server for `test` (its proc, url, dir, log), waiting for its health."""
    test.port = free_port()
    test.dir = tempfile.mkdtemp(prefix=prefix)
    test.log = open(os.path.join(test.dir, "server.log"), "wb")
    test.proc = subprocess.Popen(
        [os.environ.get("MAINSPRING_BINARY", "build/app/mainspring"), "serve", *flags,
         "--listen", f"127.0.0.1:{test.port}", "--data-dir", os.path.join(test.dir, "data")],
        stdout=test.log, stderr=subprocess.STDOUT)
    test.url = f"http://127.0.0.1:{test.port}"
    deadline = time.monotonic() + START_WAIT_S
    while True:
        try:
            with urllib.request.urlopen(test.url + "/health", timeout=HEALTH_TIMEOUT_S):
                return
        except OSError:
            if test.proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class WorkerNodes(unittest.TestCase):
    """A server with --node-listen and one agent: the group's page lists its worker nodes."""

    def setUp(self):
        binary = os.environ.get("MAINSPRING_BINARY", "build/app/mainspring")
        node_port = free_port()
        start_extra_server(self, "mainspring-ui-nodes-", ["--node-listen", f"127.0.0.1:{node_port}"])
        secret = self.api("POST", "/v1/register/group", {"group_name": "workers"})
        self.agent_log = open(os.path.join(self.dir, "agent.log"), "wb")
        self.agent = subprocess.Popen(
            [binary, "agent", "--server", f"127.0.0.1:{node_port}", "--group", "workers", "--node-id", "w1",
             "--advertise-ip", "10.9.8.7", "--hostname", "ui-agent", "--tags", "rack=a"],
            stdout=self.agent_log, stderr=subprocess.STDOUT, env={**os.environ, "MAINSPRING_GROUP_SECRET": secret})
        deadline = time.monotonic() + WAIT_S
        while not any(n["status"] == "up" for n in self.api("GET", "/v1/workers/node/list")):
            if time.monotonic() > deadline:
                raise RuntimeError("the agent did not join: " + open(self.agent_log.name).read()[-2000:])
            time.sleep(0.1)
        self.d = SERVER["driver"]

    def api(self, method, path, body=None):
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=WAIT_S) as r:
            return json.loads(r.read())["success"]

    def tearDown(self):
        for proc in (self.agent, self.proc):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.agent_log.close()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_the_group_page_lists_its_worker_nodes(self):
        self.d.get(f"{self.url}/ui/#/g/workers")
        WebDriverWait(self.d, WAIT_S).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#nodes-table")))
        row = self.d.find_element(By.CSS_SELECTOR, "#nodes-table tbody tr").text
        for text in ("w1", "up", "ui-agent", "10.9.8.7", "rack=a"):
            self.assertIn(text, row)
        # A group without nodes shows no such panel.
        self.api("POST", "/v1/register/group", {"group_name": "plain"})
        self.d.get(f"{self.url}/ui/#/g/plain")
        WebDriverWait(self.d, WAIT_S).until(EC.text_to_be_present_in_element((By.ID, "jobs-summary"), "job(s)"))
        self.assertFalse(self.d.find_element(By.ID, "nodes").is_displayed())


class RequiredKey(unittest.TestCase):
    """A server with --require-api-key: the page asks for a key and sends it as X-API-Key."""

    def setUp(self):
        start_extra_server(self, "mainspring-ui-key-", ["--require-api-key"])
        self.d = SERVER["driver"]

    def tearDown(self):
        self.d.execute_script("sessionStorage.clear()")
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_the_page_asks_for_a_key_keeps_it_in_session_storage_and_never_in_a_url(self):
        req = urllib.request.Request(self.url + "/v1/apikeys/bootstrap", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            key = json.loads(r.read())["success"]["key"]
        self.d.get(self.url + "/ui/")
        wait = WebDriverWait(self.d, WAIT_S, poll_frequency=0.1)
        box = wait.until(EC.visibility_of_element_located((By.ID, "key-input")))
        self.assertEqual(self.d.switch_to.active_element.get_attribute("id"), "key-input")
        box.send_keys("wrong" + Keys.ENTER)
        box = wait.until(EC.visibility_of_element_located((By.ID, "key-input")))  # refused: asked again
        wait.until(EC.text_to_be_present_in_element((By.ID, "key-help"), "refused"))
        box.send_keys(key + Keys.ENTER)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#overview .card")) >= 8)
        self.assertEqual(self.d.execute_script("return sessionStorage.getItem('mainspring.apiKey')"), key)
        self.assertEqual(self.d.execute_script("return localStorage.length"), 0)
        urls = self.d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        self.assertTrue(any("/v1/stats" in u for u in urls))
        self.assertFalse(any(key in u for u in urls + [self.d.current_url]))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
