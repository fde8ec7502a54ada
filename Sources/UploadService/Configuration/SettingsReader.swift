import FoundationEssentials
import Glibc
import Logging

/// Typed reads of raw setting strings; each failure names the setting.
struct SettingsReader {
    let settings: [String: String]

    /// The trimmed value, or nil when unset or empty.
    func string(_ name: String) throws(ConfigurationError) -> String? {
        guard let raw = settings[name] else { return nil }
        let value = raw.trimmingASCIIWhitespace()
        guard !value.isEmpty else { return nil }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConfigurationError(setting: name, problem: "contains control characters")
        }
        return value
    }

    func list(_ name: String) throws(ConfigurationError) -> [String] {
        guard let value = try string(name) else { return [] }
        return value.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
    }

    func integer<Value: FixedWidthInteger>(
        _ name: String, in range: ClosedRange<Value>, tooLarge: String? = nil
    ) throws(ConfigurationError) -> Value? {
        guard let value = try string(name) else { return nil }
        guard
            value.allSatisfy({ $0.isASCII && $0.isNumber })
                || (value.hasPrefix("-") && value.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }))
        else { throw ConfigurationError(setting: name, problem: "\"\(value)\" is not a whole number") }
        guard let number = Value(value), range.contains(number) else {
            if let tooLarge, let number = Int64(value), number > Int64(range.upperBound) {
                throw ConfigurationError(setting: name, problem: "\(value) \(tooLarge)")
            }
            throw ConfigurationError(
                setting: name, problem: "\(value) is out of range (\(range.lowerBound)-\(range.upperBound))")
        }
        return number
    }

    func seconds(_ name: String) throws(ConfigurationError) -> Duration? {
        guard let value = try string(name) else { return nil }
        guard let number = Double(value), number.isFinite, number >= 0, number <= 3600,
            value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
        else {
            throw ConfigurationError(
                setting: name, problem: "\"\(value)\" is not a number of seconds between 0 and 3600")
        }
        return .milliseconds(Int64((number * 1000).rounded()))
    }

    /// A timeout: seconds, at least 0.1 (a zero timeout would cut every connection at once).
    func timeout(_ name: String) throws(ConfigurationError) -> Duration? {
        guard let duration = try seconds(name) else { return nil }
        guard duration >= .milliseconds(100) else {
            throw ConfigurationError(setting: name, problem: "must be at least 0.1 seconds")
        }
        return duration
    }

    func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let value = try string(name) else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(setting: name, problem: "\"\(value)\" is not true or false")
        }
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws(ConfigurationError) -> Choice?
    where Choice.RawValue == String {
        guard let value = try string(name) else { return nil }
        guard let choice = Choice(rawValue: value.lowercased()) else {
            let options = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(setting: name, problem: "\"\(value)\" is not one of \(options)")
        }
        return choice
    }

    func logLevel(_ name: String) throws(ConfigurationError) -> Logger.Level? {
        guard let value = try string(name) else { return nil }
        guard let level = Logger.Level(rawValue: value.lowercased()) else {
            let options = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(setting: name, problem: "\"\(value)\" is not one of \(options)")
        }
        return level
    }

    func region(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = try string(name) else { return nil }
        guard SettingsReader.isRegion(value) else {
            throw ConfigurationError(setting: name, problem: "\"\(value)\" is not an AWS region like us-east-1")
        }
        return value
    }

    /// `xx-name-1`, `us-gov-west-1`: lower-case words joined by `-`, ending in a number.
    static func isRegion(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, last.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return false
        }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }

    func host(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = try string(name) else { return nil }
        var address4 = in_addr()
        var address6 = in6_addr()
        guard inet_pton(AF_INET, value, &address4) == 1 || inet_pton(AF_INET6, value, &address6) == 1 else {
            throw ConfigurationError(
                setting: name, problem: "\"\(value)\" is not an IPv4 or IPv6 address (e.g. 127.0.0.1 or 0.0.0.0)")
        }
        return value
    }

    /// S3 bucket naming rules (3-63 characters of a-z 0-9 . -, starting and ending alphanumeric).
    func bucket(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = try string(name) else { return nil }
        if let problem = S3BucketName.problem(value) {
            throw ConfigurationError(
                setting: name, problem: "\"\(value)\" is not a valid S3 bucket name: it \(problem)")
        }
        return value
    }

    /// An absolute http(s) URL with a host and no query or fragment; trailing `/` removed.
    func url(_ name: String, allowHTTP: Bool, loopbackHTTP: Bool = false) throws(ConfigurationError) -> String? {
        guard let value = try string(name) else { return nil }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil
        else {
            throw ConfigurationError(setting: name, problem: "\"\(value)\" is not an absolute http(s) URL")
        }
        switch scheme {
        case "https": break
        case "http" where allowHTTP: break
        case "http" where loopbackHTTP && SettingsReader.isLoopback(host: host): break
        case "http":
            throw ConfigurationError(
                setting: name, problem: "must use https (plain http is only allowed for loopback hosts)")
        default:
            throw ConfigurationError(setting: name, problem: "\"\(value)\" is not an http(s) URL")
        }
        var trimmed = value
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        var address = in_addr()
        guard inet_pton(AF_INET, bare, &address) == 1 else { return false }
        return UInt32(bigEndian: address.s_addr) >> 24 == 127
    }
}

extension Character {
    fileprivate var isLetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}
