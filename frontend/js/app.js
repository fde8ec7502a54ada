// Wires the page together: configuration, sign-in, the drop zone and the upload queue's rows.

import { Auth, AuthError } from "./auth.js";
import { ConfigError, loadConfig } from "./config.js";
import { formatBytes, formatDuration, formatSpeed, formatTimeLeft, percent } from "./format.js";
import { UploadQueue } from "./uploader.js";

const $ = (id) => document.getElementById(id);

const view = {
  loading: $("loading"),
  signIn: $("sign-in"),
  newPassword: $("new-password"),
  uploader: $("uploader"),
};

/** Shows exactly one of the main views. */
function show(name) {
  for (const [key, element] of Object.entries(view)) element.hidden = key !== name;
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function showMessage(element, text) {
  setText(element, text ?? "");
  element.hidden = !text;
}

let statusTimer = null;
/** Says something to screen readers through the polite live region. */
function announce(text) {
  const region = $("status");
  clearTimeout(statusTimer);
  region.textContent = "";
  // A fresh node after a tick makes screen readers repeat an identical message.
  statusTimer = setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function setBusy(button, busy, busyLabel) {
  if (busy) {
    button.dataset.label = button.textContent;
    button.textContent = busyLabel;
  } else if (button.dataset.label) {
    button.textContent = button.dataset.label;
  }
  button.disabled = busy;
  button.setAttribute("aria-busy", String(busy));
}

function describeAccept(config) {
  const parts = [];
  if (config.maxUploadBytes) parts.push(`Up to ${formatBytes(config.maxUploadBytes)} each`);
  if (config.allowedContentTypes.length > 0) {
    const names = config.allowedContentTypes.map((type) => (type.endsWith("/*") ? `${type.slice(0, -2)} files` : type));
    parts.push(names.join(", "));
  }
  parts.push("several at once is fine.");
  const text = parts.join(" · ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Short labels for the badge of a running or finished row.
const PHASE_LABEL = {
  waiting: "Queued",
  hashing: "Checking",
  requesting: "Preparing",
  sending: "Uploading",
  finishing: "Finishing",
  done: "Done",
};

class QueueView {
  #queue;
  #rows = new Map();
  #template = $("file-row");
  #list = $("queue");
  #section = $("queue-section");

  constructor(queue) {
    this.#queue = queue;
    queue.addEventListener("added", (event) => {
      for (const item of event.detail) this.#add(item);
      const count = event.detail.length;
      announce(`${count} ${count === 1 ? "file" : "files"} added to the queue.`);
      this.#summary();
    });
    queue.addEventListener("update", (event) => {
      this.#update(event.detail);
      this.#summary();
    });
    queue.addEventListener("removed", (event) => {
      this.#rows.get(event.detail.id)?.element.remove();
      this.#rows.delete(event.detail.id);
      this.#summary();
    });
    queue.addEventListener("idle", () => {
      const totals = this.#queue.totals;
      const failed = totals.error > 0 ? `, ${totals.error} failed` : "";
      announce(`All uploads finished: ${totals.done} uploaded${failed}.`);
    });
    this.#list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const id = button.closest(".file").dataset.id;
      const action = button.dataset.action;
      if (action === "cancel") this.#queue.cancel(id);
      if (action === "retry") this.#queue.retry(id);
      if (action === "remove") this.#removeAndRefocus(button, id);
    });
    $("retry-failed").addEventListener("click", () => this.#queue.retryFailed());
    setInterval(() => {
      for (const item of this.#queue.items) if (item.state === "queued" && item.notBefore > 0) this.#update(item);
    }, 1000);
    $("clear-done").addEventListener("click", () => {
      this.#queue.clearDone();
      $("file-input").focus();
    });
  }

  #removeAndRefocus(button, id) {
    const row = button.closest(".file");
    const neighbour = row.nextElementSibling ?? row.previousElementSibling;
    this.#queue.remove(id);
    (neighbour?.querySelector("button:not([hidden])") ?? $("file-input")).focus();
  }

  #add(item) {
    const element = this.#template.content.firstElementChild.cloneNode(true);
    element.dataset.id = String(item.id);
    const parts = {
      element,
      name: element.querySelector(".file-name"),
      badge: element.querySelector(".file-badge"),
      progress: element.querySelector(".file-progress"),
      detail: element.querySelector(".file-detail"),
      percent: element.querySelector(".file-percent"),
      message: element.querySelector(".file-message"),
      cancel: element.querySelector('[data-action="cancel"]'),
      retry: element.querySelector('[data-action="retry"]'),
      remove: element.querySelector('[data-action="remove"]'),
      lastState: null,
    };
    parts.name.textContent = item.name;
    parts.name.title = item.name;
    parts.progress.setAttribute("aria-label", `Upload progress for ${item.name}`);
    parts.cancel.setAttribute("aria-label", `Cancel upload of ${item.name}`);
    parts.retry.setAttribute("aria-label", `Retry upload of ${item.name}`);
    parts.remove.setAttribute("aria-label", `Remove ${item.name} from the list`);
    element.dataset.kind = kindOf(item.contentType);
    this.#rows.set(item.id, parts);
    this.#list.append(element);
    this.#update(item);
  }

  #update(item) {
    const row = this.#rows.get(item.id);
    if (!row) return;
    const { element } = row;
    if (element.dataset.state !== item.state) element.dataset.state = item.state;
    element.dataset.phase = item.phase;

    const pct = item.state === "done" ? 100 : percent(item.loaded, item.size);
    row.progress.value = pct;
    row.progress.setAttribute("aria-valuetext", `${pct}%`);
    setText(row.percent, item.state === "uploading" && item.phase === "sending" ? `${pct}%` : "");

    let badge = PHASE_LABEL[item.phase] ?? "";
    let detail = formatBytes(item.size);
    if (item.state === "uploading" && (item.phase === "sending" || item.phase === "finishing")) {
      const pieces = [`${formatBytes(item.loaded)} of ${formatBytes(item.size)}`];
      const speed = formatSpeed(item.speed);
      if (speed) pieces.push(speed);
      const left = formatTimeLeft(item.size - item.loaded, item.speed);
      if (left) pieces.push(left);
      // No-break spaces keep "4 s left" together when the line wraps on a phone.
      detail = pieces.map((piece) => piece.replace(/ /g, "\u00a0")).join(" · ");
    }
    if (item.state === "queued" && item.reason) badge = "Waiting";
    if (item.state === "error") badge = item.reason || "Failed";
    setText(row.badge, badge);
    setText(row.detail, detail);
    if (item.key && row.detail.title !== item.key) row.detail.title = `Stored as ${item.key}`;
    let message = item.state === "error" || item.state === "queued" ? item.message : "";
    if (item.state === "queued" && item.reason && item.notBefore > Date.now()) {
      // Counts down while the upload waits out a Retry-After.
      message = `${item.reason}: retrying in ${formatDuration((item.notBefore - Date.now()) / 1000)}.`;
    }
    showMessage(row.message, message);

    row.cancel.hidden = !(item.state === "queued" || item.state === "uploading");
    row.retry.hidden = !(item.state === "error" && item.retryable);
    row.remove.hidden = !(item.state === "error" || item.state === "done");

    if (row.lastState !== item.state) {
      const focused = element.contains(document.activeElement) && document.activeElement.hidden;
      if (row.lastState !== null) {
        if (item.state === "done") announce(`${item.name} uploaded.`);
        if (item.state === "error") announce(`${item.name} failed: ${item.message}`);
      }
      row.lastState = item.state;
      // Keep keyboard focus inside the row when the button that had it disappears.
      if (focused) (element.querySelector(".file-actions button:not([hidden])") ?? $("file-input")).focus();
    }
  }

  #summary() {
    const totals = this.#queue.totals;
    this.#section.hidden = totals.count === 0;
    const parts = [];
    if (totals.uploading + totals.queued > 0) {
      parts.push(`${totals.done} of ${totals.count - totals.error} uploaded`);
      parts.push(`${formatBytes(totals.sent)} of ${formatBytes(totals.bytes)}`);
    } else if (totals.count > 0) {
      parts.push(`${totals.done} uploaded`);
    }
    if (totals.error > 0) parts.push(`${totals.error} failed`);
    setText($("queue-summary"), parts.join(" · "));
    const overall = $("overall-progress");
    overall.value = percent(totals.sent, totals.bytes);
    overall.hidden = totals.uploading + totals.queued === 0;
    $("retry-failed").hidden = totals.retryable === 0;
    $("clear-done").hidden = totals.done === 0;
  }
}

/** A coarse kind for the row's icon. */
function kindOf(contentType) {
  const [top, sub = ""] = contentType.split("/");
  if (["image", "video", "audio", "text"].includes(top)) return top;
  if (sub === "pdf") return "pdf";
  if (/zip|tar|gzip|compressed|7z|rar/.test(sub)) return "archive";
  return "file";
}

function wireDropZone(queue) {
  const zone = $("dropzone");
  const input = $("file-input");
  let depth = 0;
  input.addEventListener("change", () => {
    if (input.files.length > 0) queue.add([...input.files]);
    // Clearing lets the same file be picked again after a failure.
    input.value = "";
  });
  zone.addEventListener("dragenter", (event) => {
    event.preventDefault();
    depth += 1;
    zone.classList.add("is-dragging");
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
  });
  zone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove("is-dragging");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    depth = 0;
    zone.classList.remove("is-dragging");
    const transfer = event.dataTransfer;
    if (!transfer) return;
    const files = [];
    const entries = [...(transfer.items ?? [])];
    [...transfer.files].forEach((file, index) => {
      // Folders arrive as zero-byte "files"; reading them fails later, so skip them now.
      const entry = entries[index]?.webkitGetAsEntry?.();
      if (!entry || entry.isFile) files.push(file);
    });
    if (files.length > 0) queue.add(files);
    if (files.length < transfer.files.length) announce("Folders can't be uploaded; drop the files inside them instead.");
  });
  // A file dropped beside the zone would otherwise make the browser navigate away to it.
  for (const type of ["dragover", "drop"]) {
    window.addEventListener(type, (event) => {
      if (!zone.contains(event.target)) event.preventDefault();
    });
  }
}

function wireAuth(auth, queue) {
  const form = $("sign-in-form");
  const submit = $("sign-in-submit");
  const error = $("sign-in-error");
  const npForm = $("new-password-form");
  const npSubmit = $("new-password-submit");
  const npError = $("new-password-error");
  let challenge = null;

  form.addEventListener("input", (event) => event.target.removeAttribute("aria-invalid"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = $("username").value.trim();
    const password = $("password").value;
    showMessage($("sign-in-notice"), "");
    if (!username || !password) {
      showMessage(error, !username ? "Enter your username." : "Enter your password.");
      (!username ? $("username") : $("password")).focus();
      return;
    }
    showMessage(error, "");
    setBusy(submit, true, "Signing in…");
    try {
      const result = await auth.signIn(username, password);
      if (result.status === "new-password") {
        challenge = result;
        $("new-password-username").value = username;
        show("newPassword");
        $("new-password-input").focus();
      }
    } catch (failure) {
      showMessage(error, failure instanceof AuthError ? failure.message : "Sign-in failed. Try again in a moment.");
      if (failure instanceof AuthError && /NotAuthorized|UserNotFound/.test(failure.code)) {
        for (const id of ["username", "password"]) $(id).setAttribute("aria-invalid", "true");
      }
      $("password").select();
      $("password").focus();
    } finally {
      setBusy(submit, false);
      $("password").value = auth.signedIn || challenge ? "" : $("password").value;
    }
  });

  npForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const first = $("new-password-input").value;
    const second = $("confirm-password-input").value;
    if (!first) return showMessage(npError, "Enter a new password.");
    if (first !== second) {
      showMessage(npError, "The two passwords don't match.");
      $("confirm-password-input").focus();
      return;
    }
    showMessage(npError, "");
    setBusy(npSubmit, true, "Setting password…");
    try {
      await auth.completeNewPassword(challenge.username, challenge.session, first);
      challenge = null;
      npForm.reset();
    } catch (failure) {
      showMessage(npError, failure instanceof AuthError ? failure.message : "That didn't work. Try again.");
      if (failure instanceof AuthError && /expired|session/i.test(failure.message + failure.code)) challenge = null;
    } finally {
      setBusy(npSubmit, false);
    }
  });

  $("new-password-back").addEventListener("click", () => {
    challenge = null;
    npForm.reset();
    showMessage(npError, "");
    show("signIn");
    $("username").focus();
  });

  $("sign-out").addEventListener("click", () => {
    // Signing out stops every upload and forgets the list: the next person sees nothing.
    queue.clear();
    auth.signOut("user");
  });

  auth.addEventListener("change", (event) => {
    const { signedIn, reason } = event.detail;
    render(auth);
    if (signedIn) {
      if (reason !== "restored") announce(`Signed in as ${auth.displayName}.`);
      if (reason === "signed-in") $("file-input").focus();
      queue.resume();
    } else {
      showMessage(
        $("sign-in-notice"),
        reason === "expired" ? "Your sign-in expired. Sign in again and your uploads will carry on." : "You're signed out.",
      );
      announce(reason === "expired" ? "Your sign-in expired." : "Signed out.");
      $("username").focus();
    }
  });
}

function render(auth) {
  document.body.dataset.signedIn = String(auth.signedIn);
  $("account").hidden = !auth.signedIn;
  setText($("account-name"), auth.displayName);
  $("account-name").title = auth.displayName;
  $("sign-out").title = auth.signedIn ? `Signed in as ${auth.displayName}` : "";
  show(auth.signedIn ? "uploader" : "signIn");
}

async function main() {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    view.loading.hidden = true;
    showMessage($("page-error"), error instanceof ConfigError ? error.message : "The page couldn't start. Reload to try again.");
    document.body.dataset.ready = "error";
    return;
  }
  $("mode-badge").hidden = config.mode !== "local";
  setText($("dropzone-hint"), describeAccept(config));
  if (config.allowedContentTypes.length > 0) $("file-input").accept = config.allowedContentTypes.join(",");

  const auth = new Auth(config);
  const queue = new UploadQueue(config, auth);
  new QueueView(queue);
  wireDropZone(queue);
  wireAuth(auth, queue);
  window.addEventListener("beforeunload", (event) => {
    // Leaving would abort the uploads still running; let the browser ask first.
    if (queue.busy) event.preventDefault();
  });
  await auth.restore();
  render(auth);
  document.body.dataset.ready = "true";
}

main();
