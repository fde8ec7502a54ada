// Sign-in against Cognito's own JSON protocol (InitiateAuth / RespondToAuthChallenge), the same
// wire format for real Cognito and for the server's local mode. Tokens live in memory and in
// sessionStorage (gone when the tab closes), never in localStorage.

const STORAGE_KEY = "secure-upload.session";
const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
/** Refresh this long before the ID token expires, so an upload never starts with a stale token. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;
const RETRY_REFRESH_MS = 30 * 1000;

/** A sign-in failure with a sentence for people (`message`) and Cognito's error name (`code`). */
export class AuthError extends Error {
  constructor(message, code = "Unknown") {
    super(message);
    this.name = "AuthError";
    this.code = code;
  }
}

/**
 * Cognito's error name from a `__type` such as
 * "com.amazonaws.cognito.identity.idp.model#NotAuthorizedException" or an
 * `x-amzn-ErrorType` header such as "NotAuthorizedException:http://…".
 */
export function errorName(type) {
  if (typeof type !== "string" || type === "") return "Unknown";
  const afterHash = type.slice(type.lastIndexOf("#") + 1);
  return afterHash.split(":")[0].trim() || "Unknown";
}

/** Turns a Cognito error into a sentence a person can act on. */
export function describeCognitoError(name, message = "") {
  const text = typeof message === "string" ? message : "";
  switch (name) {
    case "NotAuthorizedException":
      if (/attempts exceeded/i.test(text)) {
        return "Too many failed attempts. Wait a few minutes before you try again.";
      }
      if (/disabled/i.test(text)) return "This account is disabled. Ask your administrator to enable it.";
      if (/refresh token/i.test(text)) return "Your session has ended. Please sign in again.";
      if (/secret hash/i.test(text)) {
        return "This app client needs a client secret, which a browser can't keep. Ask the administrator to use a client without one.";
      }
      return "The username or password is incorrect. Check both and try again.";
    case "UserNotFoundException":
      return "There is no account with that username. Check the spelling and try again.";
    case "PasswordResetRequiredException":
      return "Your password has to be reset before you can sign in. Ask your administrator for a reset.";
    case "UserNotConfirmedException":
      return "This account hasn't been confirmed yet. Confirm it first, or ask your administrator.";
    case "TooManyRequestsException":
    case "LimitExceededException":
      return "Too many sign-in attempts. Wait a minute, then try again.";
    case "InvalidPasswordException":
      return text
        ? `That password doesn't meet the password policy: ${text.replace(/^Password does not conform to policy:\s*/i, "")}`
        : "That password doesn't meet the password policy. Choose a longer or more varied one.";
    case "CodeMismatchException":
    case "ExpiredCodeException":
      return "That sign-in step has expired. Start again from the sign-in form.";
    case "InvalidParameterException":
      return text ? `The sign-in service refused the request: ${text}` : "The sign-in service refused the request.";
    case "ResourceNotFoundException":
      return "The sign-in service doesn't know this app. Ask the administrator to check the configuration.";
    case "InternalErrorException":
    case "ServiceUnavailable":
      return "The sign-in service is having trouble. Try again in a moment.";
    default:
      return text ? `Sign-in failed: ${text}` : "Sign-in failed. Try again in a moment.";
  }
}

/** The claims of a JWT, without verifying it (the server verifies; the page only reads). */
export function decodeJwtClaims(token) {
  try {
    const part = token.split(".")[1];
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

function safeStorage(storage) {
  return {
    get() {
      try {
        const raw = storage?.getItem(STORAGE_KEY);
        return raw ? JSON.parse(raw) : null;
      } catch {
        return null;
      }
    },
    set(value) {
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(value));
      } catch {
        // Storage can be full or disabled; the tokens still live in memory for this page.
      }
    },
    clear() {
      try {
        storage?.removeItem(STORAGE_KEY);
      } catch {
        // Nothing to do: see set().
      }
    },
  };
}

/**
 * The signed-in session. Fires "change" when the user signs in or out (detail: { signedIn,
 * reason }), and keeps the ID token fresh with REFRESH_TOKEN_AUTH.
 */
export class Auth extends EventTarget {
  #config;
  #fetch;
  #now;
  #store;
  #tokens = null;
  #timer = null;
  #refreshing = null;

  constructor(config, { fetchImpl = (...args) => globalThis.fetch(...args), storage = globalThis.sessionStorage, now = () => Date.now() } = {}) {
    super();
    this.#config = config;
    this.#fetch = fetchImpl;
    this.#now = now;
    this.#store = safeStorage(storage);
  }

  get signedIn() {
    return this.#tokens !== null;
  }

  /** The name to show for the signed-in user. */
  get displayName() {
    if (!this.#tokens) return "";
    const claims = decodeJwtClaims(this.#tokens.idToken);
    // With email sign-in, Cognito's username is an opaque id, so the email reads better; local
    // mode's placeholder addresses (RFC 2606's .invalid) do not.
    const email = typeof claims.email === "string" && !/\.invalid$/i.test(claims.email) ? claims.email : "";
    return email || claims["cognito:username"] || claims.username || this.#tokens.username || "";
  }

  /** Restores a session saved in this tab; refreshes it if its tokens are close to expiry. */
  async restore() {
    const saved = this.#store.get();
    if (!saved || typeof saved.idToken !== "string" || typeof saved.refreshToken !== "string") return false;
    this.#tokens = saved;
    if (saved.expiresAt - this.#now() < REFRESH_MARGIN_MS) {
      try {
        await this.refresh();
      } catch {
        this.#forget();
        return false;
      }
    } else {
      this.#schedule();
    }
    this.#emit(true, "restored");
    return true;
  }

  /**
   * Signs in with USER_PASSWORD_AUTH. Resolves { status: "signed-in" } or, for admin-created
   * users on their first sign-in, { status: "new-password", session, username }.
   */
  async signIn(username, password) {
    const result = await this.#call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: this.#config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this.#handleAuthResult(result, username);
  }

  /** Answers the NEW_PASSWORD_REQUIRED challenge with the password the user chose. */
  async completeNewPassword(username, session, newPassword) {
    const result = await this.#call("RespondToAuthChallenge", {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: this.#config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    });
    return this.#handleAuthResult(result, username);
  }

  /** A valid ID token for `Authorization: Bearer`, refreshed first when it is about to expire. */
  async idToken({ forceRefresh = false } = {}) {
    if (!this.#tokens) throw new AuthError("You're signed out. Please sign in again.", "SignedOut");
    if (forceRefresh || this.#tokens.expiresAt - this.#now() < REFRESH_MARGIN_MS) {
      await this.refresh();
    }
    return this.#tokens.idToken;
  }

  /** Trades the refresh token for new ID and access tokens (REFRESH_TOKEN_AUTH). */
  refresh() {
    if (!this.#tokens) return Promise.reject(new AuthError("You're signed out. Please sign in again.", "SignedOut"));
    // Several uploads may ask at once; they share one request.
    this.#refreshing ??= (async () => {
      try {
        const result = await this.#call("InitiateAuth", {
          AuthFlow: "REFRESH_TOKEN_AUTH",
          ClientId: this.#config.clientId,
          AuthParameters: { REFRESH_TOKEN: this.#tokens.refreshToken },
        });
        const fresh = result.AuthenticationResult;
        if (!fresh) throw new AuthError("Your session has ended. Please sign in again.", "NoTokens");
        // Signed out while the request was in flight: keep it that way.
        if (!this.#tokens) throw new AuthError("You're signed out. Please sign in again.", "SignedOut");
        // Cognito keeps the refresh token unless refresh-token rotation hands out a new one.
        this.#keep(fresh, this.#tokens.username, fresh.RefreshToken ?? this.#tokens.refreshToken);
      } catch (error) {
        if (error instanceof AuthError && error.code === "SignedOut") {
          // Nothing to undo.
        } else if (error instanceof AuthError && error.code !== "NetworkError") {
          this.signOut("expired");
        } else {
          this.#schedule(RETRY_REFRESH_MS);
        }
        throw error;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /** Forgets every token. `reason` is "user" or "expired" and travels with the change event. */
  signOut(reason = "user") {
    const was = this.signedIn;
    this.#forget();
    if (was) this.#emit(false, reason);
  }

  #forget() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#tokens = null;
    this.#store.clear();
  }

  #emit(signedIn, reason) {
    this.dispatchEvent(new CustomEvent("change", { detail: { signedIn, reason } }));
  }

  #handleAuthResult(result, username) {
    if (result.AuthenticationResult) {
      this.#keep(result.AuthenticationResult, username, result.AuthenticationResult.RefreshToken);
      this.#emit(true, "signed-in");
      return { status: "signed-in" };
    }
    if (result.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      return { status: "new-password", session: result.Session, username };
    }
    if (result.ChallengeName) {
      throw new AuthError(
        `This account needs a sign-in step this page doesn't support (${result.ChallengeName}). Ask your administrator.`,
        result.ChallengeName,
      );
    }
    throw new AuthError("The sign-in service sent an answer this page doesn't understand.", "BadResponse");
  }

  #keep(authResult, username, refreshToken) {
    const { IdToken: idToken, AccessToken: accessToken, ExpiresIn: expiresIn } = authResult;
    if (typeof idToken !== "string" || typeof refreshToken !== "string") {
      throw new AuthError("The sign-in service sent an answer this page doesn't understand.", "BadResponse");
    }
    const now = this.#now();
    const claimsExp = Number(decodeJwtClaims(idToken).exp) * 1000;
    const lifetimeExp = now + (Number(expiresIn) > 0 ? Number(expiresIn) * 1000 : 3600 * 1000);
    const expiresAt = Number.isFinite(claimsExp) && claimsExp > now ? Math.min(claimsExp, lifetimeExp) : lifetimeExp;
    this.#tokens = { idToken, accessToken, refreshToken, expiresAt, username };
    this.#store.set(this.#tokens);
    this.#schedule();
  }

  #schedule(delay) {
    clearTimeout(this.#timer);
    if (!this.#tokens) return;
    const wait = delay ?? Math.max(5000, this.#tokens.expiresAt - this.#now() - REFRESH_MARGIN_MS);
    this.#timer = setTimeout(() => {
      this.refresh().catch(() => {
        // refresh() already signed out or rescheduled; the change event tells the page.
      });
    }, Math.min(wait, 2 ** 31 - 1));
  }

  async #call(operation, body) {
    let response;
    try {
      response = await this.#fetch(this.#config.cognitoEndpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": TARGET_PREFIX + operation,
        },
        body: JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      throw new AuthError("Can't reach the sign-in service. Check your connection and try again.", "NetworkError");
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      const name = errorName(payload?.__type ?? response.headers.get("x-amzn-ErrorType") ?? "");
      const message = payload?.message ?? payload?.Message ?? "";
      throw new AuthError(describeCognitoError(name, message), name);
    }
    if (payload === null || typeof payload !== "object") {
      throw new AuthError("The sign-in service sent an answer this page doesn't understand.", "BadResponse");
    }
    return payload;
  }
}
