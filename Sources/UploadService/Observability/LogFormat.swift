/// How log lines are written: `text` for people reading a terminal, `json` for log pipelines
/// (one JSON object per line).
package enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-26T09:00:00.123Z info [request-id] message key=value`
    case text
    /// `{"time":"…","level":"info","message":"…","source":"…","key":"value"}`
    case json
}
