// Human-readable sizes, speeds and durations for the upload queue. Pure functions: no DOM.

const UNITS = ["B", "KB", "MB", "GB", "TB"];
// A no-break space keeps a number and its unit on one line ("1 MB", never "1 / MB").
const NBSP = "\u00a0";

/** Formats a number with one decimal below 10 and none above ("3.2", "42", "1,024"). */
function compact(value) {
  const digits = value < 10 && !Number.isInteger(value) ? 1 : 0;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/**
 * A byte count in binary units with the familiar labels: 0 → "0 B", 1536 → "1.5 KB",
 * 5 368 709 120 → "5 GB".
 */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)}${NBSP}B`;
  let rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1 048 575 bytes rounds to 1024 KB: say "1 MB" instead.
  if (rounded >= 1024 && unit < UNITS.length - 1) {
    rounded = 1;
    unit += 1;
  }
  return `${compact(rounded)}${NBSP}${UNITS[unit]}`;
}

/** A transfer rate: "3.2 MB/s"; empty while there is no meaningful measurement yet. */
export function formatSpeed(bytesPerSecond) {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return "";
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A duration in words a person reads at a glance: "4 s", "1 min 20 s", "2 h 5 min". */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  const total = Math.ceil(seconds);
  if (total < 60) return `${total}${NBSP}s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours}${NBSP}h ${minutes}${NBSP}min` : `${hours}${NBSP}h`;
  return secs > 0 ? `${minutes}${NBSP}min ${secs}${NBSP}s` : `${minutes}${NBSP}min`;
}

/** Time left for `remainingBytes` at `bytesPerSecond`: "4 s left", or "" when unknown. */
export function formatTimeLeft(remainingBytes, bytesPerSecond) {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0 || remainingBytes < 0) return "";
  if (remainingBytes === 0) return "";
  return `${formatDuration(remainingBytes / bytesPerSecond)} left`;
}

/** A whole percentage from 0 to 100 that reaches 100 only when everything is done. */
export function percent(done, total) {
  if (!(total > 0)) return done > 0 ? 100 : 0;
  const value = Math.floor((done / total) * 100);
  return Math.max(0, Math.min(done >= total ? 100 : 99, value));
}
