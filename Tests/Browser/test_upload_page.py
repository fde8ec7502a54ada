"""The upload page end to end in headless Chromium against the real server in local mode:
sign-in, three files at once, byte-identical storage, the messages people see when things go
wrong, and a console free of errors. Screenshots land in test-artifacts/screenshots/."""
import base64
import hashlib
import re
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from browser_support import DESKTOP, MOTO_TEMPORARY_PASSWORD, PASSWORD, PHONE

# Headers a page cannot set on XMLHttpRequest; the browser derives them itself.
BROWSER_OWNED = {"content-length", "host", "connection"}

RECORDER = """
window.__uploadRequests = [];
window.__grants = [];
window.__puts = [];
window.__inFlight = 0;
window.__maxInFlight = 0;
const originalFetch = window.fetch;
window.fetch = async (input, init = {}) => {
  const url = String(input instanceof Request ? input.url : input);
  const response = await originalFetch(input, init);
  if (init.method === "POST" && new URL(url).pathname === "/upload") {
    window.__uploadRequests.push(JSON.parse(init.body));
    if (response.ok) window.__grants.push(await response.clone().json());
  }
  return response;
};
const open = XMLHttpRequest.prototype.open;
const setHeader = XMLHttpRequest.prototype.setRequestHeader;
const send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.open = function (method, url, ...rest) {
  this.__record = { method, url: String(url), headers: {} };
  window.__puts.push(this.__record);
  return open.call(this, method, url, ...rest);
};
XMLHttpRequest.prototype.setRequestHeader = function (name, value) {
  this.__record.headers[name] = value;
  return setHeader.call(this, name, value);
};
XMLHttpRequest.prototype.send = function (body) {
  window.__inFlight += 1;
  window.__maxInFlight = Math.max(window.__maxInFlight, window.__inFlight);
  this.addEventListener("loadend", () => {
    window.__inFlight -= 1;
    this.__record.status = this.status;
    this.__record.body = this.responseText;
  });
  return send.call(this, body);
};
"""


def wait(driver, condition, timeout=30, message=""):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, message)


def open_page(browser, server):
    driver = browser.driver
    driver.get(server.url)
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "true",
         message="the page never finished loading its configuration")
    return driver


def sign_in(driver, username="alice", password=PASSWORD):
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").clear()
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in-submit").click()


def signed_in(driver):
    return driver.execute_script("return document.body.dataset.signedIn") == "true"


def rows(driver):
    """Each queue row as data; texts as read aloud, with no-break spaces as plain spaces."""
    return driver.execute_script("""
      const text = (row, selector) => row.querySelector(selector).textContent.replace(/\u00a0/g, ' ');
      return [...document.querySelectorAll('#queue .file')].map((row) => ({
        name: row.querySelector('.file-name').textContent,
        state: row.dataset.state,
        phase: row.dataset.phase,
        badge: text(row, '.file-badge'),
        message: text(row, '.file-message'),
        progress: row.querySelector('progress').value,
        progressLabel: row.querySelector('progress').getAttribute('aria-label'),
      }));""")


def row_button(driver, name, action):
    for row in driver.find_elements(By.CSS_SELECTOR, "#queue .file"):
        if row.find_element(By.CSS_SELECTOR, ".file-name").text == name:
            return row.find_element(By.CSS_SELECTOR, f'button[data-action="{action}"]')
    raise AssertionError(f"no row for {name}")


def severe(browser, allowed=()):
    return [entry for entry in browser.drain_console()
            if entry.get("level") == "SEVERE" and not any(re.search(p, entry.get("message", "")) for p in allowed)]


def plain(value):
    """`value` with every no-break space turned into a plain space, recursively."""
    if isinstance(value, str):
        return value.replace("\xa0", " ")
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def fits_width(driver, width):
    """No element sticks out sideways (which would make the page scroll horizontally)."""
    return driver.execute_script("""
      const width = arguments[0];
      if (document.documentElement.scrollWidth > width) return false;
      return [...document.querySelectorAll('body *')].every((el) => {
        const box = el.getBoundingClientRect();
        return box.width === 0 || (box.left >= -1 && box.right <= width + 1) || el.closest('.visually-hidden');
      });""", width)


def b64sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_signs_in_and_uploads_three_files_at_once_byte_for_byte(browser, server, files):
    driver = open_page(browser, server)
    assert not signed_in(driver)
    browser.screenshot("1-signed-out-desktop")
    browser.viewport(*PHONE)
    browser.screenshot("1-signed-out-phone")
    assert fits_width(driver, PHONE[0])
    browser.viewport(*DESKTOP)

    sign_in(driver)
    wait(driver, signed_in, message="sign-in never completed")
    assert driver.find_element(By.ID, "account-name").text == "alice"
    # Tokens stay in this tab's sessionStorage, never in localStorage.
    assert driver.execute_script("return window.localStorage.length") == 0
    assert driver.execute_script("return sessionStorage.getItem('secure-upload.session') !== null")

    driver.execute_script(RECORDER)
    browser.throttle_uploads(3 * 1024 * 1024)
    driver.find_element(By.ID, "file-input").send_keys("\n".join(str(f) for f in files))

    big = files[0].name
    wait(driver, lambda d: any(r["name"] == big and r["state"] == "uploading" and 10 <= r["progress"] <= 70
                               for r in rows(d)), message="the big file never showed progress")
    browser.screenshot("2-mid-upload-desktop")
    browser.viewport(*PHONE)
    browser.screenshot("2-mid-upload-phone")
    for width in (PHONE[0], 360):
        browser.viewport(width, PHONE[1])
        assert fits_width(driver, width), f"the page scrolls sideways at {width} px"
    browser.viewport(*DESKTOP)
    browser.unthrottle()

    wait(driver, lambda d: len(rows(d)) == 3 and all(r["state"] == "done" for r in rows(d)), timeout=120,
         message=f"not every row reached done: {rows(driver)}")
    browser.screenshot("3-finished-desktop")
    browser.viewport(*PHONE)
    browser.screenshot("3-finished-phone")
    browser.viewport(*DESKTOP)
    browser.color_scheme("dark")
    browser.screenshot("3-finished-desktop-dark")
    browser.viewport(*PHONE)
    browser.screenshot("3-finished-phone-dark")
    browser.viewport(*DESKTOP)
    browser.color_scheme("light")

    shown = rows(driver)
    assert [r["name"] for r in shown] == [f.name for f in files]
    assert all(r["progressLabel"] == f"Upload progress for {r['name']}" for r in shown)

    stored = list(server.stored_objects().values())
    for path in files:
        data = path.read_bytes()
        assert stored.count(data) == 1, f"{path.name} is not stored byte for byte exactly once"

    # Every file (all under the checksum limit) went with its SHA-256, and each PUT carried exactly
    # the headers that POST /upload returned, apart from those the browser owns.
    requests = driver.execute_script("return window.__uploadRequests")
    by_name = {r["filename"]: r for r in requests}
    for path in files:
        data = path.read_bytes()
        assert by_name[path.name]["size"] == len(data)
        assert by_name[path.name]["checksumSHA256"] == b64sha256(data)
    grants = driver.execute_script("return window.__grants")
    puts = driver.execute_script("return window.__puts")
    assert len(grants) == 3 and len(puts) == 3
    for grant in grants:
        put = next(p for p in puts if p["url"] == driver.execute_script(
            "return new URL(arguments[0], document.baseURI).href", grant["uploadUrl"]))
        assert put["method"] == grant["method"]
        expected = {k: v for k, v in grant["headers"].items() if k.lower() not in BROWSER_OWNED}
        assert put["headers"] == expected

    assert driver.find_element(By.ID, "queue-summary").text == "3 uploaded"
    assert severe(browser) == []


def test_runs_at_most_three_uploads_at_once(browser, server, tmp_path):
    files = []
    for index in range(5):
        path = tmp_path / f"part-{index}.bin"
        path.write_bytes(bytes([index]) * 400_000)
        files.append(path)
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.execute_script(RECORDER)
    browser.throttle_uploads(400_000)
    driver.find_element(By.ID, "file-input").send_keys("\n".join(str(f) for f in files))
    wait(driver, lambda d: sum(r["phase"] == "sending" for r in rows(d)) == 3,
         message=f"three uploads never ran together: {rows(driver)}")
    assert sum(r["state"] == "queued" for r in rows(driver)) == 2
    browser.unthrottle()
    wait(driver, lambda d: all(r["state"] == "done" for r in rows(d)), timeout=60)
    assert driver.execute_script("return window.__maxInFlight") == 3
    assert severe(browser) == []


def test_cancel_stops_an_upload_and_retry_completes_it(browser, server, tmp_path):
    path = tmp_path / "cancel me.bin"
    data = b"c" * (4 * 1024 * 1024)
    path.write_bytes(data)
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    browser.throttle_uploads(512 * 1024)
    driver.find_element(By.ID, "file-input").send_keys(str(path))
    wait(driver, lambda d: rows(d)[0]["state"] == "uploading" and rows(d)[0]["progress"] >= 5)
    row_button(driver, path.name, "cancel").click()
    wait(driver, lambda d: rows(d)[0]["state"] == "error")
    assert rows(driver)[0]["badge"] == "Cancelled"
    time.sleep(0.5)
    assert data not in server.stored_objects().values()

    browser.unthrottle()
    row_button(driver, path.name, "retry").click()
    wait(driver, lambda d: rows(d)[0]["state"] == "done", timeout=60)
    assert list(server.stored_objects().values()).count(data) == 1
    assert severe(browser) == []


def test_wrong_password_says_so_and_stays_signed_out(browser, server):
    driver = open_page(browser, server)
    sign_in(driver, password="not the password")
    error = driver.find_element(By.ID, "sign-in-error")
    wait(driver, lambda d: error.is_displayed(), message="no sign-in error appeared")
    assert error.text == "The username or password is incorrect. Check both and try again."
    assert error.get_attribute("role") == "alert"
    assert driver.find_element(By.ID, "password").get_attribute("aria-invalid") == "true"
    assert not signed_in(driver)
    assert driver.execute_script("return sessionStorage.length + localStorage.length") == 0
    browser.screenshot("4-wrong-password-desktop")
    # Chromium logs every 4xx answer as a failed resource load; that 400 is the expected one.
    assert severe(browser, allowed=[r"Failed to load resource: the server responded with a status of 400"]) == []


def test_a_file_over_the_limit_gets_a_clear_message(browser, small_limit_server, tmp_path):
    assert small_limit_server.config()["maxUploadBytes"] == 1024 * 1024
    too_big = tmp_path / "holiday video from the summer of 2026, the whole family at the lake_house_GOPR0042.mp4"
    too_big.write_bytes(b"v" * (2 * 1024 * 1024))
    fine = tmp_path / "notes.txt"
    fine.write_bytes(b"small enough\n")
    driver = open_page(browser, small_limit_server)
    sign_in(driver)
    wait(driver, signed_in)
    assert driver.find_element(By.ID, "dropzone-hint").text.startswith("Up to 1 MB each")
    driver.find_element(By.ID, "file-input").send_keys(f"{too_big}\n{fine}")
    wait(driver, lambda d: [r["state"] for r in rows(d)] == ["error", "done"], timeout=60)
    failed = rows(driver)[0]
    assert failed["badge"] == "Too large"
    assert failed["message"] == "This file is 2 MB; the limit is 1 MB."
    # Retrying cannot help a file that is too large, so the page does not offer it.
    assert not row_button(driver, too_big.name, "retry").is_displayed()
    assert row_button(driver, too_big.name, "remove").is_displayed()
    assert too_big.read_bytes() not in small_limit_server.stored_objects().values()
    browser.screenshot("5-too-large-desktop")
    browser.viewport(360, PHONE[1])
    assert fits_width(driver, 360), "a long file name pushes the page sideways"
    browser.screenshot("5-too-large-phone-360")
    assert severe(browser) == []


def test_a_rate_limited_upload_waits_for_the_time_the_server_names(browser, rate_limited_server, tmp_path):
    files = []
    for index in range(3):
        path = tmp_path / f"burst {index}.txt"
        path.write_bytes(f"burst {index}\n".encode())
        files.append(path)
    driver = open_page(browser, rate_limited_server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.find_element(By.ID, "file-input").send_keys("\n".join(str(f) for f in files))
    wait(driver, lambda d: sorted(r["state"] for r in rows(d)) == ["done", "done", "queued"]
         and any(r["badge"] == "Waiting" for r in rows(d)), timeout=30, message=f"{rows(driver)}")
    waiting = next(r for r in rows(driver) if r["state"] == "queued")
    assert re.fullmatch(r"Rate limited: retrying in \d+ s\.", waiting["message"]), waiting["message"]
    browser.screenshot("9-rate-limited-desktop")
    # A waiting upload can still be cancelled.
    row_button(driver, waiting["name"], "cancel").click()
    wait(driver, lambda d: sorted(r["state"] for r in rows(d)) == ["done", "done", "error"])
    assert severe(browser, allowed=[r"/upload - Failed to load resource: the server responded with a status of 429"]) == []


def test_an_expired_link_is_replaced_by_a_fresh_one_automatically(browser, short_link_server, tmp_path):
    path = tmp_path / "late.txt"
    path.write_bytes(b"sent after the first link expired\n")
    driver = open_page(browser, short_link_server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.execute_script(RECORDER)
    # Links live 2 s; 3.5 s of latency makes the first PUT arrive after its link expired.
    browser.delay_requests(3500)
    driver.find_element(By.ID, "file-input").send_keys(str(path))
    wait(driver, lambda d: d.execute_script("return window.__puts.length > 0 && window.__puts[0].status !== undefined"),
         timeout=30)
    browser.unthrottle()
    first = driver.execute_script("return window.__puts[0]")
    assert first["status"] == 403 and "<Code>AccessDenied</Code>" in first["body"]
    assert "Request has expired" in first["body"]
    wait(driver, lambda d: rows(d)[0]["state"] == "done", timeout=30, message=f"{rows(driver)}")
    assert driver.execute_script("return window.__uploadRequests.length") >= 2
    assert list(short_link_server.stored_objects().values()).count(path.read_bytes()) == 1
    assert severe(browser, allowed=[r"Failed to load resource: the server responded with a status of 403"]) == []


TAMPER = """
const originalFetch = window.fetch;
window.fetch = async (input, init = {}) => {
  const response = await originalFetch(input, init);
  if (init.method !== "POST" || !String(input).endsWith("/upload") || !response.ok) return response;
  const grant = await response.json();
  // A header that differs from the signed one, as a buggy client or a proxy would send.
  grant.headers["Content-Type"] = "application/x-tampered";
  return new Response(JSON.stringify(grant), { status: 200, headers: { "Content-Type": "application/json" } });
};
"""


def test_storage_refusing_a_put_is_explained_and_nothing_is_stored(browser, server, tmp_path):
    path = tmp_path / "tampered.txt"
    path.write_bytes(b"must not be stored\n")
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.execute_script(TAMPER)
    driver.find_element(By.ID, "file-input").send_keys(str(path))
    wait(driver, lambda d: rows(d)[0]["state"] == "error", timeout=30, message=f"{rows(driver)}")
    row = rows(driver)[0]
    assert row["badge"] == "Signature rejected"
    assert row["message"].startswith("Storage rejected the upload link's signature.")
    assert row_button(driver, path.name, "retry").is_displayed()
    assert path.read_bytes() not in server.stored_objects().values()
    assert severe(browser, allowed=[r"Failed to load resource: the server responded with a status of 403"]) == []


def test_session_survives_a_reload_and_sign_out_forgets_it(browser, server, tmp_path):
    path = tmp_path / "private name.txt"
    path.write_bytes(b"x")
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "true")
    assert signed_in(driver)
    driver.find_element(By.ID, "file-input").send_keys(str(path))
    wait(driver, lambda d: rows(d) and rows(d)[0]["state"] == "done")
    driver.find_element(By.ID, "sign-out").click()
    wait(driver, lambda d: not signed_in(d))
    assert driver.execute_script("return sessionStorage.length + localStorage.length") == 0
    # The next person at this screen sees neither tokens nor the previous list of files.
    assert rows(driver) == []
    assert driver.find_element(By.ID, "sign-in").is_displayed()
    assert driver.switch_to.active_element.get_attribute("id") == "username"
    assert severe(browser) == []


def test_keyboard_and_screen_reader_basics(browser, server):
    driver = open_page(browser, server)
    for field in ("username", "password"):
        element = driver.find_element(By.ID, field)
        assert driver.find_element(By.CSS_SELECTOR, f'label[for="{field}"]').text
        assert element.get_attribute("autocomplete") in ("username", "current-password")
    assert driver.find_element(By.ID, "status").get_attribute("aria-live") == "polite"
    sign_in(driver)
    wait(driver, signed_in)
    # After signing in, focus lands on the file picker, which the drop zone labels.
    active = driver.switch_to.active_element
    assert active.get_attribute("id") == "file-input"
    assert driver.find_element(By.ID, "dropzone").get_attribute("for") == "file-input"
    # From the Sign out button, Tab reaches the picker, and the drop zone shows a focus ring.
    driver.execute_script("document.getElementById('sign-out').focus()")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("id") == "file-input"
    ring = driver.execute_script(
        "const s = getComputedStyle(document.getElementById('dropzone')); return [s.outlineStyle, s.outlineWidth];")
    assert ring == ["solid", "3px"]
    browser.screenshot("8-keyboard-focus-desktop")
    assert severe(browser) == []


def test_files_dropped_on_the_drop_zone_are_uploaded(browser, server):
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.execute_script("""
      const transfer = new DataTransfer();
      transfer.items.add(new File(['dropped, not picked\\n'], 'dropped note.txt', { type: 'text/plain' }));
      const zone = document.getElementById('dropzone');
      for (const type of ['dragenter', 'dragover']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
      window.__highlighted = zone.classList.contains('is-dragging');
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));""")
    assert driver.execute_script("return window.__highlighted") is True
    assert "is-dragging" not in driver.find_element(By.ID, "dropzone").get_attribute("class")
    wait(driver, lambda d: rows(d) and rows(d)[0]["state"] == "done", timeout=30, message=f"{rows(driver)}")
    assert rows(driver)[0]["name"] == "dropped note.txt"
    assert b"dropped, not picked\n" in server.stored_objects().values()
    assert severe(browser) == []


PURE_CHECKS = """
const done = arguments[arguments.length - 1];
Promise.all([import('./js/format.js'), import('./js/auth.js'), import('./js/uploader.js'), import('./js/config.js')])
  .then(async ([format, auth, uploader, config]) => done({
    sizes: [0, 1536, 12 * 1024 * 1024, 5368709120, 1048575].map(format.formatBytes),
    speed: format.formatSpeed(3.2 * 1024 * 1024),
    durations: [4.2, 80, 7500].map(format.formatDuration),
    errorName: auth.errorName('com.amazonaws.cognito.identity.idp.model#NotAuthorizedException'),
    headerName: auth.errorName('UserNotFoundException:http://internal.amazon.com/coral/'),
    cognito: ['NotAuthorizedException', 'UserNotFoundException', 'PasswordResetRequiredException',
              'UserNotConfirmedException', 'TooManyRequestsException', 'LimitExceededException']
              .map((name) => auth.describeCognitoError(name, '')),
    lockout: auth.describeCognitoError('NotAuthorizedException', 'Password attempts exceeded'),
    policy: auth.describeCognitoError('InvalidPasswordException', 'Password does not conform to policy: Password not long enough'),
    rate: (({ reason, message }) => ({ reason, message }))(uploader.describeUploadError(429, { error: 'Slow down.', code: 'rate_limited' }, '30')),
    type: uploader.describeUploadError(415, { error: 'Files of type text/html are not allowed.', code: 'content_type_not_allowed' }, null).reason,
    big: uploader.describeUploadError(413, { error: 'The file size 3145728 bytes is over the limit of 1048576 bytes.', code: 'file_too_large' }, null, { size: 3 * 1048576, maxUploadBytes: 1048576 }).message,
    bigUnknown: uploader.describeUploadError(413, { error: 'The file size is over the limit.', code: 'file_too_large' }, null).message,
    expired: uploader.describeStorageError(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>').reason,
    digest: uploader.describeStorageError(400, '<?xml version="1.0"?><Error><Code>BadDigest</Code><Message>x</Message></Error>').reason,
    exists: uploader.describeStorageError(412, '<Error><Code>PreconditionFailed</Code></Error>').reason,
    configErrors: await Promise.all([
      config.loadConfig(() => Promise.resolve(new Response('oops', { status: 500 })), location.href),
      config.loadConfig(() => Promise.reject(new TypeError('offline')), location.href),
      config.loadConfig(() => Promise.resolve(new Response('{"mode":"local"}', { status: 200 })), location.href),
    ].map((p) => p.then(() => 'no error', (e) => `${e.name}: ${e.message}`))),
    types: [config.isContentTypeAllowed('image/png', ['image/*']), config.isContentTypeAllowed('text/html', ['image/*', 'application/pdf']),
            config.isContentTypeAllowed('anything/else', [])],
  }))
  .catch((error) => done({ error: String(error) }));
"""


def test_the_page_words_errors_sizes_and_times_for_people(browser, server):
    driver = open_page(browser, server)
    result = driver.execute_async_script(PURE_CHECKS)
    assert "error" not in result, result
    # Numbers and units are held together by no-break spaces; compare the rest as plain text.
    assert result["sizes"][1] == "1.5\xa0KB"
    result = plain(result)
    assert result["sizes"] == ["0 B", "1.5 KB", "12 MB", "5 GB", "1 MB"]
    assert result["speed"] == "3.2 MB/s"
    assert result["durations"] == ["5 s", "1 min 20 s", "2 h 5 min"]
    assert result["errorName"] == "NotAuthorizedException"
    assert result["headerName"] == "UserNotFoundException"
    assert result["cognito"] == [
        "The username or password is incorrect. Check both and try again.",
        "There is no account with that username. Check the spelling and try again.",
        "Your password has to be reset before you can sign in. Ask your administrator for a reset.",
        "This account hasn't been confirmed yet. Confirm it first, or ask your administrator.",
        "Too many sign-in attempts. Wait a minute, then try again.",
        "Too many sign-in attempts. Wait a minute, then try again.",
    ]
    assert result["lockout"].startswith("Too many failed attempts")
    assert result["policy"] == "That password doesn't meet the password policy: Password not long enough"
    assert result["rate"] == {"reason": "Rate limited", "message": "You're uploading faster than allowed. Try again in 30 s."}
    assert result["type"] == "Type not allowed"
    assert result["big"] == "This file is 3 MB; the limit is 1 MB."
    assert result["bigUnknown"] == "The file size is over the limit."
    assert result["expired"] == "Link expired"
    assert result["digest"] == "Checksum mismatch"
    assert result["exists"] == "Already exists"
    assert result["types"] == [True, False, True]
    assert result["configErrors"] == [
        "ConfigError: The server didn't return its configuration (HTTP 500). Reload to try again.",
        "ConfigError: The page can't reach its server. Check your connection, then reload.",
        "ConfigError: The server's configuration has no cognitoEndpoint. Ask the administrator to check it.",
    ]
    assert severe(browser) == []


def test_first_sign_in_of_an_admin_created_user_sets_a_new_password(browser, aws_mode_with_moto, moto_cognito):
    """Against moto's Cognito (the real server in aws mode with COGNITO_ENDPOINT pointing the page
    at moto, since local mode has no NEW_PASSWORD_REQUIRED): the challenge, a mismatch, success,
    and the token it yields is accepted by the server's own verifier."""

    driver = open_page(browser, aws_mode_with_moto)
    sign_in(driver, "bob", "wrong password")
    error = driver.find_element(By.ID, "sign-in-error")
    wait(driver, lambda d: error.is_displayed())
    assert error.text == "The username or password is incorrect. Check both and try again."

    sign_in(driver, "bob", MOTO_TEMPORARY_PASSWORD)
    form = driver.find_element(By.ID, "new-password")
    wait(driver, lambda d: form.is_displayed(), message="the new-password form never appeared")
    assert not signed_in(driver)
    assert driver.switch_to.active_element.get_attribute("id") == "new-password-input"
    browser.screenshot("6-new-password-desktop")

    driver.find_element(By.ID, "new-password-input").send_keys("Brand-new Passw0rd!")
    driver.find_element(By.ID, "confirm-password-input").send_keys("Brand-new Passw0rd?")
    driver.find_element(By.ID, "new-password-submit").click()
    assert driver.find_element(By.ID, "new-password-error").text == "The two passwords don't match."

    driver.find_element(By.ID, "confirm-password-input").clear()
    driver.find_element(By.ID, "confirm-password-input").send_keys("Brand-new Passw0rd!")
    driver.find_element(By.ID, "new-password-submit").click()
    wait(driver, signed_in, message="answering NEW_PASSWORD_REQUIRED did not sign in")
    assert driver.find_element(By.ID, "account-name").text == "bob"
    user = moto_cognito["boto"].admin_get_user(UserPoolId=moto_cognito["pool"], Username="bob")
    assert user["UserStatus"] == "CONFIRMED"
    # The server verifies the token moto issued (RS256 against moto's JWKS) and signs a PUT URL.
    answer = driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      const session = JSON.parse(sessionStorage.getItem('secure-upload.session'));
      fetch('/upload', { method: 'POST', headers: { Authorization: `Bearer ${session.idToken}`,
                         'Content-Type': 'application/json' },
                         body: JSON.stringify({ filename: 'first.txt', contentType: 'text/plain', size: 5 }) })
        .then(async (r) => done({ status: r.status, body: await r.json() }), (e) => done({ error: String(e) }));""")
    assert answer["status"] == 200, answer
    assert answer["body"]["uploadUrl"].startswith("https://browser-test-bucket.s3.us-east-1.amazonaws.com/uploads/")
    assert severe(browser, allowed=[r"Failed to load resource: the server responded with a status of 400"]) == []


REFRESH_CHECK = """
const done = arguments[arguments.length - 1];
(async () => {
  const { Auth } = await import('./js/auth.js');
  const { loadConfig } = await import('./js/config.js');
  const config = await loadConfig();
  let now = Date.now();
  const auth = new Auth(config, { storage: null, now: () => now });
  await auth.signIn(arguments[0], arguments[1]);
  const first = await auth.idToken();
  const again = await auth.idToken();
  // Jump to one minute before expiry: inside the refresh margin.
  const exp = JSON.parse(atob(first.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000;
  now = exp - 60 * 1000;
  const refreshed = await auth.idToken();
  const answer = await fetch(config.uploadEndpoint, {
    method: 'POST',
    headers: { Authorization: `Bearer ${refreshed}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ filename: 'after-refresh.txt', contentType: 'text/plain', size: 3 }),
  });
  auth.signOut();
  return { sameBeforeMargin: first === again, refreshedDiffers: refreshed !== first, uploadStatus: answer.status,
           signedInAfter: auth.signedIn };
})().then(done, (error) => done({ error: `${error.name}: ${error.message}` }));
"""


def test_tokens_are_refreshed_with_the_refresh_token_before_they_expire(browser, server):
    driver = open_page(browser, server)
    result = driver.execute_async_script(REFRESH_CHECK, "alice", PASSWORD)
    assert "error" not in result, result
    assert result == {"sameBeforeMargin": True, "refreshedDiffers": True, "uploadStatus": 200, "signedInAfter": False}
    assert severe(browser) == []


def test_a_rejected_token_is_refreshed_once_then_the_upload_goes_through(browser, server, tmp_path):
    path = tmp_path / "after 401.txt"
    path.write_bytes(b"uploaded after a token refresh\n")
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    # The server stops accepting this ID token (as after a key rotation); the refresh token still works.
    driver.execute_script("""
      const saved = JSON.parse(sessionStorage.getItem('secure-upload.session'));
      saved.idToken = saved.idToken.slice(0, -8) + 'AAAAAAAA';
      sessionStorage.setItem('secure-upload.session', JSON.stringify(saved));""")
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "true")
    assert signed_in(driver)
    driver.find_element(By.ID, "file-input").send_keys(str(path))
    wait(driver, lambda d: rows(d) and rows(d)[0]["state"] == "done", timeout=30, message=f"{rows(driver)}")
    assert list(server.stored_objects().values()).count(path.read_bytes()) == 1
    assert severe(browser, allowed=[r"/upload - Failed to load resource: the server responded with a status of 401"]) == []


def test_an_expired_session_asks_to_sign_in_again_and_keeps_the_queue(browser, server, tmp_path):
    path = tmp_path / "waiting.txt"
    path.write_bytes(b"uploaded once signed in again\n")
    driver = open_page(browser, server)
    sign_in(driver)
    wait(driver, signed_in)
    driver.execute_script("""
      const saved = JSON.parse(sessionStorage.getItem('secure-upload.session'));
      saved.idToken = saved.idToken.slice(0, -8) + 'AAAAAAAA';
      saved.refreshToken = 'revoked-refresh-token';
      sessionStorage.setItem('secure-upload.session', JSON.stringify(saved));""")
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "true")
    driver.find_element(By.ID, "file-input").send_keys(str(path))
    wait(driver, lambda d: not signed_in(d), message="the page never noticed the session had ended")
    notice = driver.find_element(By.ID, "sign-in-notice")
    assert notice.text.startswith("Your sign-in expired.")
    assert driver.execute_script("return sessionStorage.length") == 0
    browser.screenshot("7-session-expired-desktop")

    assert rows(driver)[0]["state"] == "error" and rows(driver)[0]["badge"] == "Sign-in expired"

    # Signing in again picks the stopped upload up without another click.
    sign_in(driver)
    wait(driver, signed_in)
    wait(driver, lambda d: rows(d)[0]["state"] == "done", timeout=30, message=f"{rows(driver)}")
    assert list(server.stored_objects().values()).count(path.read_bytes()) == 1
    assert severe(browser, allowed=[r"/upload - Failed to load resource: the server responded with a status of 401",
                                    r"Failed to load resource: the server responded with a status of 400"]) == []
