// The page configures itself from GET /config.json, so deploying never means editing JavaScript.

/** Thrown when the configuration cannot be loaded or is not usable; `message` is for people. */
export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

function requireString(raw, field) {
  const value = raw[field];
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(`The server's configuration has no ${field}. Ask the administrator to check it.`);
  }
  return value.trim();
}

/**
 * Validates the raw JSON of /config.json and resolves its URLs against `base` (the page's
 * address). Returns a frozen object: mode, region, userPoolId, clientId, cognitoEndpoint (URL
 * string), uploadEndpoint (URL string), maxUploadBytes (number or null), allowedContentTypes
 * (array; empty means any).
 */
export function parseConfig(raw, base) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError("The server's configuration is not a JSON object.");
  }
  const mode = raw.mode === "aws" ? "aws" : "local";
  let cognitoEndpoint;
  let uploadEndpoint;
  try {
    cognitoEndpoint = new URL(requireString(raw, "cognitoEndpoint"), base).href;
    uploadEndpoint = new URL(typeof raw.uploadEndpoint === "string" && raw.uploadEndpoint ? raw.uploadEndpoint : "/upload", base).href;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError("The server's configuration holds an endpoint that is not a valid URL.");
  }
  const max = Number(raw.maxUploadBytes);
  const types = Array.isArray(raw.allowedContentTypes)
    ? raw.allowedContentTypes.filter((t) => typeof t === "string" && t.trim() !== "").map((t) => t.trim().toLowerCase())
    : [];
  return Object.freeze({
    mode,
    region: typeof raw.region === "string" ? raw.region : "",
    userPoolId: typeof raw.userPoolId === "string" ? raw.userPoolId : "",
    clientId: requireString(raw, "clientId"),
    cognitoEndpoint,
    uploadEndpoint,
    maxUploadBytes: Number.isFinite(max) && max > 0 ? max : null,
    allowedContentTypes: Object.freeze(types),
  });
}

/** Fetches and validates /config.json (relative to the page). */
export async function loadConfig(fetchImpl = fetch, base = document.baseURI) {
  let response;
  try {
    response = await fetchImpl(new URL("config.json", base), {
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
  } catch {
    throw new ConfigError("The page can't reach its server. Check your connection, then reload.");
  }
  if (!response.ok) {
    throw new ConfigError(`The server didn't return its configuration (HTTP ${response.status}). Reload to try again.`);
  }
  let raw;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError("The server's configuration is not valid JSON.");
  }
  return parseConfig(raw, base);
}

/**
 * Whether `contentType` is allowed by a list of patterns such as "image/*" or "application/pdf".
 * An empty list allows everything.
 */
export function isContentTypeAllowed(contentType, patterns) {
  if (!patterns || patterns.length === 0) return true;
  const type = contentType.toLowerCase().split(";")[0].trim();
  return patterns.some((pattern) => {
    if (pattern === "*" || pattern === "*/*") return true;
    if (pattern.endsWith("/*")) return type.startsWith(pattern.slice(0, -1));
    return type === pattern;
  });
}
