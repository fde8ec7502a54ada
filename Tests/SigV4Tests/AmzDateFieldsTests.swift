import Foundation
import SigV4
import Testing

@Suite("AmzDate calendar fields and RFC 3339, computed by hand")
struct AmzDateFieldsTests {
    // Leap days, century rules, year ends, the epoch, before it, and a second before midnight.
    static let instants: [Double] = [
        0, -1, 86_399, 951_782_400, 951_868_799, 4_107_542_399, 1_795_000_000.999, 1_709_164_800,
        1_798_761_599, -2_208_988_800, 253_402_300_799, 1_582_934_400,
    ]

    @Test("the UTC fields agree with Foundation's Gregorian calendar", arguments: instants)
    func fieldsMatchCalendar(seconds: Double) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: seconds)
        let expected = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fields = AmzDate(date).utcFields
        #expect(fields.year == expected.year)
        #expect(fields.month == expected.month)
        #expect(fields.day == expected.day)
        #expect(fields.hour == expected.hour)
        #expect(fields.minute == expected.minute)
        #expect(fields.second == expected.second)
    }

    @Test("RFC 3339 text equals Foundation's ISO 8601 format style", arguments: instants.filter { $0 >= 0 })
    func rfc3339MatchesFormatStyle(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds.rounded(.down))
        #expect(AmzDate(date).rfc3339 == Date.ISO8601FormatStyle().format(date))
    }

    @Test("digits are zero-padded to the count, and only the low ones kept when longer")
    func digits() {
        let cases: [(value: Int, count: Int, text: String)] = [
            (0, 2, "00"), (7, 2, "07"), (59, 2, "59"), (123, 2, "23"), (7, 1, "7"), (2026, 4, "2026"),
            (999, 4, "0999"), (12_345, 4, "2345"), (5, 3, "005"),
        ]
        for (value, count, text) in cases {
            var output: [UInt8] = []
            AmzDate.appendDigits(value, count: count, to: &output)
            #expect(String(decoding: output, as: UTF8.self) == text, "\(value) in \(count) digits")
        }
    }
}
