// The upload queue: for each file, (1) SHA-256 with Web Crypto when the file is small enough,
// (2) POST /upload for a pre-signed URL, (3) PUT the bytes straight to storage with
// XMLHttpRequest, whose upload events give live progress. A few files run in parallel; each can
// be cancelled and retried.

import { AuthError } from "./auth.js";
import { isContentTypeAllowed } from "./config.js";
import { formatBytes, formatDuration } from "./format.js";

/** Files up to this size get a SHA-256 checksum that storage verifies. */
export const CHECKSUM_LIMIT_BYTES = 64 * 1024 * 1024;
const MAX_AUTO_RETRIES = 3;
const MAX_RETRY_AFTER_SECONDS = 300;
const SPEED_WINDOW_MS = 4000;
const SIGN_IN_EXPIRED = "Sign-in expired";
/** An upload that sends nothing for this long is abandoned, so that it can be retried. */
const STALL_MS = 60 * 1000;
/** Without progress for this long, the speed shown drops to nothing rather than stay stale. */
const QUIET_MS = 3000;

// Headers the browser sets itself; XMLHttpRequest refuses them (with a console error).
const FORBIDDEN_HEADER = /^(accept-charset|accept-encoding|access-control-request-.*|connection|content-length|cookie2?|date|dnt|expect|host|keep-alive|origin|referer|te|trailer|transfer-encoding|upgrade|via|proxy-.*|sec-.*)$/i;

let nextId = 1;

/** One failure, with a short `reason` for the row's badge and a sentence in `message`. */
export class UploadError extends Error {
  constructor(reason, message, { retryAfter = null, autoRetry = false, retryable = true } = {}) {
    super(message);
    this.name = "UploadError";
    this.reason = reason;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
    this.autoRetry = autoRetry;
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined || value === "") return null;
  const trimmed = String(value).trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Maps an error answer of POST /upload (status, JSON body, Retry-After) to an UploadError. */
export function describeUploadError(status, body, retryAfterHeader, { size, maxUploadBytes } = {}) {
  const said = typeof body?.error === "string" && body.error.trim() ? body.error.trim() : "";
  const code = typeof body?.code === "string" ? body.code : "";
  const retryAfter = parseRetryAfter(retryAfterHeader);
  const wait = retryAfter !== null ? ` Try again in ${formatDuration(Math.max(1, retryAfter))}.` : " Try again in a moment.";
  if (status === 413 || /too_large|too_big/i.test(code)) {
    // The server counts in bytes; people read "93 GB" more easily than "99999999999 bytes".
    const message = size && maxUploadBytes
      ? `This file is ${formatBytes(size)}; the limit is ${formatBytes(maxUploadBytes)}.`
      : said || "This file is too large to upload.";
    return new UploadError("Too large", message, { retryable: false });
  }
  if (status === 415 || /content_type|type_not_allowed|unsupported/i.test(code)) {
    return new UploadError("Type not allowed", said || "Files of this type aren't accepted here.", { retryable: false });
  }
  if (status === 429) {
    return new UploadError("Rate limited", `You're uploading faster than allowed.${wait}`, { retryAfter: retryAfter ?? 10, autoRetry: true });
  }
  if (status === 401) {
    return new UploadError(SIGN_IN_EXPIRED, "Your sign-in has expired. Sign in again and this file will carry on.");
  }
  if (status === 403) {
    return new UploadError("Not allowed", said || "Your account isn't allowed to upload files.");
  }
  if (status === 503) {
    return new UploadError("Service busy", said ? `${said}${wait}` : `The upload service isn't ready.${wait}`, {
      retryAfter: retryAfter ?? 5,
      autoRetry: true,
    });
  }
  if (status >= 500) {
    return new UploadError("Server error", said || `The upload service failed (HTTP ${status}). Try again in a moment.`);
  }
  return new UploadError("Refused", said || `The upload service refused this file (HTTP ${status}).`);
}

/** The Code and Message of an S3 XML error body, or empty strings. */
export function parseStorageError(text) {
  const pick = (tag) => {
    const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(text ?? "");
    return match ? match[1].trim() : "";
  };
  return { code: pick("Code"), message: pick("Message") };
}

/** Maps a failed PUT to storage (status, S3 XML body) to an UploadError. */
export function describeStorageError(status, text) {
  const { code, message } = parseStorageError(text);
  switch (code) {
    case "AccessDenied":
      if (/expired/i.test(message)) {
        return new UploadError("Link expired", "The upload link expired before the upload started. Retry to get a fresh link.", {
          retryAfter: 0,
          autoRetry: true,
        });
      }
      return new UploadError("Access denied", "Storage refused the upload (access denied). Ask the administrator to check the bucket's permissions.");
    case "ExpiredToken":
      return new UploadError("Link expired", "The upload link's credentials expired. Retry to get a fresh link.", { retryAfter: 0, autoRetry: true });
    case "SignatureDoesNotMatch":
      return new UploadError("Signature rejected", "Storage rejected the upload link's signature. Retry; if it keeps failing, the server's signing setup needs attention.");
    case "BadDigest":
    case "InvalidDigest":
    case "XAmzContentSHA256Mismatch":
      return new UploadError("Checksum mismatch", "The bytes storage received don't match the file's checksum: it changed or was damaged on the way. Retry.");
    case "PreconditionFailed":
      return new UploadError("Already exists", "An object with this name already exists, and uploads never overwrite. Retry to upload under a new name.");
    case "EntityTooLarge":
      return new UploadError("Too large", "This file is larger than storage accepts in a single upload.", { retryable: false });
    case "IncompleteBody":
    case "EntityTooSmall":
    case "RequestTimeout":
      return new UploadError("Interrupted", "The upload didn't arrive complete. Check your connection and retry.");
    case "RequestTimeTooSkewed":
      return new UploadError("Clock skew", "Storage says the server's clock is off. Ask the administrator to check the server's time.");
    case "SlowDown":
    case "ServiceUnavailable":
    case "InternalError":
      return new UploadError("Storage busy", "Storage is busy right now. Retry in a moment.", { retryAfter: 5, autoRetry: true });
    default:
      break;
  }
  if (message) return new UploadError("Storage error", `Storage refused the upload: ${message}`);
  return new UploadError("Storage error", `Storage refused the upload (HTTP ${status}).`);
}

/** Base64 of the SHA-256 of a file's bytes, as x-amz-checksum-sha256 wants it. */
export async function sha256Base64(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A file's content type as the upload request names it. */
export function contentTypeOf(file) {
  return file.type && file.type.trim() ? file.type : "application/octet-stream";
}

/**
 * The queue. Fires "update" (detail: the item) whenever an item changes, "added" (detail: the
 * new items), "removed" (detail: the item) and "idle" when the last running upload ends.
 */
export class UploadQueue extends EventTarget {
  #config;
  #auth;
  #fetch;
  #XHR;
  #now;
  #concurrency;
  #checksumLimit;
  #items = [];
  #active = 0;
  #wake = null;
  #busy = false;

  constructor(config, auth, {
    concurrency = 3,
    checksumLimit = CHECKSUM_LIMIT_BYTES,
    fetchImpl = (...args) => globalThis.fetch(...args),
    XHR = globalThis.XMLHttpRequest,
    now = () => performance.now(),
  } = {}) {
    super();
    this.#config = config;
    this.#auth = auth;
    this.#fetch = fetchImpl;
    this.#XHR = XHR;
    this.#now = now;
    this.#concurrency = concurrency;
    this.#checksumLimit = checksumLimit;
  }

  get items() {
    return this.#items.slice();
  }

  /** Totals for the summary line: counts per state and bytes sent of bytes queued. */
  get totals() {
    const totals = { count: 0, queued: 0, uploading: 0, done: 0, error: 0, retryable: 0, bytes: 0, sent: 0 };
    for (const item of this.#items) {
      totals.count += 1;
      totals[item.state] += 1;
      if (item.state === "error" && item.retryable) totals.retryable += 1;
      if (item.state === "error") continue;
      totals.bytes += item.size;
      totals.sent += item.state === "done" ? item.size : item.loaded;
    }
    return totals;
  }

  /** Adds files to the queue; files the server would refuse fail at once, with the reason. */
  add(files) {
    const added = [];
    for (const file of files) {
      const item = {
        id: nextId++,
        file,
        name: file.name,
        size: file.size,
        contentType: contentTypeOf(file),
        state: "queued",
        phase: "waiting",
        loaded: 0,
        speed: 0,
        reason: "",
        message: "",
        key: "",
        attempts: 0,
        notBefore: 0,
        abort: null,
        run: 0,
        retryable: true,
      };
      const problem = this.#precheck(item);
      if (problem) this.#fail(item, problem, false);
      this.#items.push(item);
      added.push(item);
    }
    this.dispatchEvent(new CustomEvent("added", { detail: added }));
    this.#pump();
    return added;
  }

  /** Stops an item that is queued or uploading; it stays in the list, ready to retry. */
  cancel(id) {
    const item = this.#find(id);
    if (!item || (item.state !== "queued" && item.state !== "uploading")) return;
    const abort = item.abort;
    // Whatever the running attempt does next, it no longer owns the item.
    item.run += 1;
    this.#fail(item, new UploadError("Cancelled", "You cancelled this upload."));
    abort?.();
  }

  /** Puts a failed item back in the queue with a fresh upload link. */
  retry(id) {
    const item = this.#find(id);
    if (!item || item.state !== "error" || !item.retryable) return;
    const problem = this.#precheck(item);
    if (problem) return this.#fail(item, problem);
    Object.assign(item, { state: "queued", phase: "waiting", loaded: 0, speed: 0, reason: "", message: "", attempts: 0, notBefore: 0 });
    this.#changed(item);
    this.#pump();
  }

  /** Retries every failed item. */
  retryFailed() {
    for (const item of this.#items) if (item.state === "error" && item.retryable) this.retry(item.id);
  }

  /** Removes an item that is not running. */
  remove(id) {
    const item = this.#find(id);
    if (!item || item.state === "uploading") return;
    this.#items = this.#items.filter((other) => other !== item);
    this.dispatchEvent(new CustomEvent("removed", { detail: item }));
    this.#pump();
  }

  /** Removes every finished item. */
  clearDone() {
    for (const item of this.#items.filter((it) => it.state === "done")) this.remove(item.id);
  }

  /** Stops everything and empties the list (signing out: the next person sees nothing). */
  clear() {
    for (const item of this.#items) this.cancel(item.id);
    for (const item of this.#items.slice()) {
      this.#items = this.#items.filter((other) => other !== item);
      this.dispatchEvent(new CustomEvent("removed", { detail: item }));
    }
    this.#pump();
  }

  /** Whether anything is still queued or running. */
  get busy() {
    return this.#items.some((item) => item.state === "queued" || item.state === "uploading");
  }

  /** Starts queued items again after signing back in, including those the expiry stopped. */
  resume() {
    for (const item of this.#items) {
      if (item.state === "error" && item.reason === SIGN_IN_EXPIRED) this.retry(item.id);
    }
    this.#pump();
  }

  #find(id) {
    return this.#items.find((item) => item.id === Number(id));
  }

  #precheck(item) {
    const max = this.#config.maxUploadBytes;
    if (max && item.size > max) {
      return new UploadError("Too large", `This file is ${formatBytes(item.size)}; the limit is ${formatBytes(max)}.`, { retryable: false });
    }
    if (!isContentTypeAllowed(item.contentType, this.#config.allowedContentTypes)) {
      return new UploadError("Type not allowed", `Files of type ${item.contentType} aren't accepted here.`, { retryable: false });
    }
    return null;
  }

  #changed(item) {
    this.dispatchEvent(new CustomEvent("update", { detail: item }));
  }

  #fail(item, error, notify = true) {
    item.state = "error";
    item.phase = "failed";
    item.abort = null;
    item.reason = error instanceof UploadError ? error.reason : "Failed";
    item.retryable = error instanceof UploadError ? error.retryable : true;
    item.message = error instanceof UploadError || error instanceof AuthError ? error.message : "Something went wrong. Retry.";
    if (notify) this.#changed(item);
  }

  #pump() {
    clearTimeout(this.#wake);
    this.#wake = null;
    const now = Date.now();
    let soonest = Infinity;
    while (this.#active < this.#concurrency && this.#auth.signedIn) {
      const next = this.#items.find((item) => item.state === "queued" && item.notBefore <= now);
      if (!next) break;
      this.#run(next);
    }
    for (const item of this.#items) {
      if (item.state === "queued" && item.notBefore > now) soonest = Math.min(soonest, item.notBefore);
    }
    if (soonest !== Infinity) this.#wake = setTimeout(() => this.#pump(), soonest - now);
    if (this.#busy && this.#active === 0 && !this.#items.some((item) => item.state === "queued")) {
      this.#busy = false;
      this.dispatchEvent(new CustomEvent("idle"));
    }
  }

  async #run(item) {
    this.#active += 1;
    this.#busy = true;
    item.run += 1;
    const attempt = { item, run: item.run };
    item.state = "uploading";
    item.attempts += 1;
    item.loaded = 0;
    item.speed = 0;
    item.reason = "";
    item.message = "";
    try {
      const checksum = await this.#checksum(attempt);
      const grant = await this.#requestUrl(attempt, checksum);
      await this.#put(attempt, grant);
      if (this.#current(attempt)) {
        item.state = "done";
        item.phase = "done";
        item.loaded = item.size;
        item.abort = null;
        this.#changed(item);
      }
    } catch (error) {
      if (this.#current(attempt)) this.#handleFailure(item, error);
    } finally {
      this.#active -= 1;
      this.#pump();
    }
  }

  #handleFailure(item, error) {
    if (error instanceof UploadError && error.autoRetry && item.attempts < MAX_AUTO_RETRIES) {
      const seconds = Math.min(error.retryAfter ?? 5, MAX_RETRY_AFTER_SECONDS);
      Object.assign(item, { state: "queued", phase: "waiting", loaded: 0, speed: 0, abort: null, reason: error.reason });
      item.message = seconds > 0 ? `${error.reason}: retrying in ${formatDuration(seconds)}.` : `${error.reason}: retrying.`;
      item.notBefore = Date.now() + seconds * 1000;
      this.#changed(item);
      return;
    }
    if (error instanceof AuthError) {
      return this.#fail(item, new UploadError(SIGN_IN_EXPIRED, `${error.message} This file will carry on once you have.`));
    }
    if (error instanceof UploadError) return this.#fail(item, error);
    if (error?.name === "NotReadableError" || error?.name === "NotFoundError") {
      return this.#fail(item, new UploadError("Can't read file", "The file can't be read any more: was it moved or deleted? Add it again."));
    }
    this.#fail(item, new UploadError("Failed", "Something unexpected went wrong. Retry."));
  }

  /** Whether `attempt` still owns its item (it was not cancelled or restarted meanwhile). */
  #current(attempt) {
    return attempt.item.run === attempt.run && attempt.item.state === "uploading";
  }

  #ensureCurrent(attempt) {
    if (!this.#current(attempt)) throw new UploadError("Cancelled", "You cancelled this upload.");
  }

  async #checksum(attempt) {
    const item = attempt.item;
    if (item.size > this.#checksumLimit || !globalThis.crypto?.subtle) return null;
    item.phase = "hashing";
    this.#changed(item);
    return sha256Base64(item.file);
  }

  async #requestUrl(attempt, checksum, retriedAuth = false) {
    const item = attempt.item;
    this.#ensureCurrent(attempt);
    item.phase = "requesting";
    this.#changed(item);
    const token = await this.#auth.idToken();
    this.#ensureCurrent(attempt);
    const controller = new AbortController();
    item.abort = () => controller.abort();
    const body = { filename: item.name, contentType: item.contentType, size: item.size };
    if (checksum) body.checksumSHA256 = checksum;
    let response;
    try {
      response = await this.#fetch(this.#config.uploadEndpoint, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        cache: "no-store",
        signal: controller.signal,
      });
    } catch (error) {
      this.#ensureCurrent(attempt);
      throw new UploadError("Network error", "Can't reach the upload service. Check your connection and retry.");
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (response.status === 401 && !retriedAuth) {
      // The token may have been revoked or expired early: refresh once, then ask again.
      try {
        await this.#auth.idToken({ forceRefresh: true });
      } catch (error) {
        throw error instanceof AuthError ? error : describeUploadError(401, payload, null);
      }
      return this.#requestUrl(attempt, checksum, true);
    }
    if (!response.ok) {
      const error = describeUploadError(response.status, payload, response.headers.get("Retry-After"), {
        size: item.size,
        maxUploadBytes: this.#config.maxUploadBytes,
      });
      if (response.status === 401) this.#auth.signOut("expired");
      throw error;
    }
    if (!payload || typeof payload.uploadUrl !== "string") {
      throw new UploadError("Server error", "The upload service sent an answer this page doesn't understand.");
    }
    item.key = typeof payload.key === "string" ? payload.key : "";
    return payload;
  }

  #put(attempt, grant) {
    const item = attempt.item;
    this.#ensureCurrent(attempt);
    return new Promise((resolve, reject) => {
      const xhr = new this.#XHR();
      const samples = [];
      let lastProgress = this.#now();
      let stalled = false;
      const watchdog = setInterval(() => {
        const quiet = this.#now() - lastProgress;
        if (item.phase !== "sending") return;
        if (quiet > STALL_MS) {
          stalled = true;
          xhr.abort();
        } else if (quiet > QUIET_MS && item.speed !== 0) {
          item.speed = 0;
          samples.length = 0;
          this.#changed(item);
        }
      }, 1000);
      xhr.addEventListener("loadend", () => clearInterval(watchdog));
      item.phase = "sending";
      item.abort = () => xhr.abort();
      xhr.open(typeof grant.method === "string" && grant.method ? grant.method.toUpperCase() : "PUT", new URL(grant.uploadUrl, document.baseURI).href);
      const headers = grant.headers && typeof grant.headers === "object" ? grant.headers : {};
      for (const [name, value] of Object.entries(headers)) {
        if (!FORBIDDEN_HEADER.test(name)) xhr.setRequestHeader(name, String(value));
      }
      xhr.upload.addEventListener("progress", (event) => {
        const now = this.#now();
        lastProgress = now;
        const loaded = event.lengthComputable ? Math.min(event.loaded, item.size) : event.loaded;
        samples.push({ at: now, loaded });
        while (samples.length > 2 && now - samples[0].at > SPEED_WINDOW_MS) samples.shift();
        const first = samples[0];
        const elapsed = (now - first.at) / 1000;
        if (elapsed >= 0.25) item.speed = (loaded - first.loaded) / elapsed;
        item.loaded = loaded;
        this.#changed(item);
      });
      xhr.upload.addEventListener("load", () => {
        item.loaded = item.size;
        item.phase = "finishing";
        this.#changed(item);
      });
      xhr.addEventListener("load", () => {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(describeStorageError(xhr.status, xhr.responseText));
      });
      xhr.addEventListener("error", () => {
        reject(new UploadError("Network error", "The connection to storage was lost, or storage refused the browser's request. Check your connection and retry."));
      });
      xhr.addEventListener("abort", () => {
        reject(stalled
          ? new UploadError("Stalled", "The upload made no progress for a minute. Check your connection and retry.")
          : new UploadError("Cancelled", "You cancelled this upload."));
      });
      xhr.addEventListener("timeout", () => reject(new UploadError("Interrupted", "Storage took too long to answer. Retry.")));
      this.#changed(item);
      xhr.send(item.file);
    });
  }
}
