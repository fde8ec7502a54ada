package import FoundationEssentials

/// A whole-second UTC instant in SigV4's two forms: `yyyyMMdd'T'HHmmss'Z'` (`X-Amz-Date`) and
/// `yyyyMMdd` (the credential scope). Formatted by hand from the epoch seconds: Foundation's
/// formatters cost microseconds and this runs on every pre-signed URL.
package struct AmzDate: Sendable, Hashable {
    /// Seconds since 1970-01-01T00:00:00Z.
    package let epochSeconds: Int64

    /// The instant `date`, truncated to the whole second (as every SDK does).
    package init(_ date: Date) {
        self.epochSeconds = Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The instant `epochSeconds` seconds after the Unix epoch.
    package init(epochSeconds: Int64) {
        self.epochSeconds = epochSeconds
    }

    /// Parses the strict `yyyyMMdd'T'HHmmss'Z'` form; nil for anything else.
    package init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(4, 2), let day = number(6, 2),
            let hour = number(9, 2), let minute = number(11, 2), let second = number(13, 2),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.epochSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The same instant as a `Date`.
    package var date: Date { Date(timeIntervalSince1970: TimeInterval(epochSeconds)) }

    /// `yyyyMMdd'T'HHmmss'Z'`.
    package var long: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        appendLong(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `yyyyMMdd`.
    package var short: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8)
        appendShort(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The UTC calendar fields of this instant (proleptic Gregorian), computed without Foundation's
    /// `Calendar`, which costs microseconds per call.
    package var utcFields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = epochSeconds.floorDivided(by: 86_400)
        let (year, month, day) = Self.civil(fromDays: Int(days))
        let secondOfDay = Int(epochSeconds - days * 86_400)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// RFC 3339 in UTC with whole seconds: `2026-11-26T09:30:00Z`.
    package var rfc3339: String {
        let fields = utcFields
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        Self.appendDigits(fields.year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.appendDigits(fields.month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.appendDigits(fields.day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.appendDigits(fields.hour, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.appendDigits(fields.minute, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.appendDigits(fields.second, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `yyyyMMdd` to `output`.
    package func appendShort(to output: inout [UInt8]) {
        let (year, month, day) = Self.civil(fromDays: Int(epochSeconds.floorDivided(by: 86_400)))
        Self.appendDigits(year, count: 4, to: &output)
        Self.appendDigits(month, count: 2, to: &output)
        Self.appendDigits(day, count: 2, to: &output)
    }

    /// Appends `yyyyMMdd'T'HHmmss'Z'` to `output`.
    package func appendLong(to output: inout [UInt8]) {
        appendShort(to: &output)
        let secondOfDay = Int(epochSeconds - epochSeconds.floorDivided(by: 86_400) * 86_400)
        output.append(UInt8(ascii: "T"))
        Self.appendDigits(secondOfDay / 3600, count: 2, to: &output)
        Self.appendDigits(secondOfDay / 60 % 60, count: 2, to: &output)
        Self.appendDigits(secondOfDay % 60, count: 2, to: &output)
        output.append(UInt8(ascii: "Z"))
    }

    /// Appends `value` as exactly `count` decimal digits, zero-padded (the low digits if longer).
    package static func appendDigits(_ value: Int, count: Int, to output: inout [UInt8]) {
        if count == 2 {
            // Months, days, hours, minutes, seconds: most calls, without the divisor loop.
            let low = value % 100
            output.append(UInt8(ascii: "0") + UInt8(low / 10))
            output.append(UInt8(ascii: "0") + UInt8(low % 10))
            return
        }
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var value = value
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            value %= divisor
            divisor /= 10
        }
    }

    // Howard Hinnant's civil-from-days and days-from-civil (proleptic Gregorian calendar).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
