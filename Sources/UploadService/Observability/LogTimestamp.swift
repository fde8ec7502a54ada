import FoundationEssentials

/// RFC 3339 UTC timestamps with milliseconds (`2026-11-26T09:00:00.123Z`), computed with integer
/// arithmetic: no formatter object, no locale, no lock on the logging path.
enum LogTimestamp {
    static func format(_ date: Date) -> String {
        let fields = Fields(date)
        return pad(fields.year, 4) + "-" + pad(fields.month, 2) + "-" + pad(fields.day, 2) + "T"
            + pad(fields.secondOfDay / 3600, 2) + ":" + pad(fields.secondOfDay / 60 % 60, 2) + ":"
            + pad(fields.secondOfDay % 60, 2) + "." + pad(fields.milliseconds, 3) + "Z"
    }

    /// Appends the same text as ``format(_:)`` as bytes, without building a `String` (the access
    /// log writes one per request).
    static func append(_ date: Date, to output: inout [UInt8]) {
        let fields = Fields(date)
        appendPadded(fields.year, 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendPadded(fields.month, 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendPadded(fields.day, 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendPadded(fields.secondOfDay / 3600, 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendPadded(fields.secondOfDay / 60 % 60, 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendPadded(fields.secondOfDay % 60, 2, to: &output)
        output.append(UInt8(ascii: "."))
        appendPadded(fields.milliseconds, 3, to: &output)
        output.append(UInt8(ascii: "Z"))
    }

    private struct Fields {
        let year: Int
        let month: Int
        let day: Int
        let secondOfDay: Int
        let milliseconds: Int

        init(_ date: Date) {
            let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            milliseconds = Int(totalMilliseconds - LogTimestamp.floorDivide(totalMilliseconds, 1000) * 1000)
            let totalSeconds = LogTimestamp.floorDivide(totalMilliseconds, 1000)
            let days = LogTimestamp.floorDivide(totalSeconds, 86_400)
            secondOfDay = Int(totalSeconds - days * 86_400)
            (year, month, day) = LogTimestamp.civilDate(daysSinceEpoch: days)
        }
    }

    /// Howard Hinnant's `civil_from_days` (http://howardhinnant.github.io/date_algorithms.html).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    fileprivate static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// Decimal digits of `value`, zero-padded on the left to `width`, as ``pad(_:_:)`` writes them.
    static func appendPadded(_ value: Int, _ width: Int, to output: inout [UInt8]) {
        if value < 0 {
            output.append(contentsOf: pad(value, width).utf8)
            return
        }
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        if width > digits { output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits)) }
        let start = output.count
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var remaining = value
        var index = start + digits - 1
        while index >= start {
            output[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
