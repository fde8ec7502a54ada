/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1); order and
/// repeated fields are kept as received.
package struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One field, name as sent.
    package typealias Element = (name: String, value: String)

    private var fields: [Element]

    /// An empty list.
    package init() {
        fields = []
    }

    /// Fields in the given order.
    package init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Fields in the given order, e.g. `["Content-Type": "text/plain"]`.
    package init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the field `name` (case-insensitive), or nil.
    package subscript(name: String) -> String? {
        for field in fields where ASCII.equalsIgnoringCase(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of the field `name` (case-insensitive), in order.
    package func values(_ name: String) -> [String] {
        fields.filter { ASCII.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// The first value of the field `name` and how many fields have that name, without building
    /// a list (for checks such as "at most one Authorization").
    package func firstValue(_ name: String) -> (value: String?, count: Int) {
        var first: String?
        var count = 0
        for field in fields where ASCII.equalsIgnoringCase(field.name, name) {
            if count == 0 { first = field.value }
            count += 1
        }
        return (first, count)
    }

    /// True when at least one field is called `name`.
    package func contains(_ name: String) -> Bool {
        fields.contains { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    package mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field called `name` with one field, or appends it.
    package mutating func replaceOrAdd(_ name: String, _ value: String) {
        if let index = fields.firstIndex(where: { ASCII.equalsIgnoringCase($0.name, name) }) {
            fields[index].value = value
            var next = index + 1
            while next < fields.count {
                if ASCII.equalsIgnoringCase(fields[next].name, name) {
                    fields.remove(at: next)
                } else {
                    next += 1
                }
            }
        } else {
            fields.append((name: name, value: value))
        }
    }

    /// Removes every field called `name`.
    package mutating func remove(_ name: String) {
        fields.removeAll { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// The number of fields.
    package var count: Int { fields.count }

    /// True when there are no fields.
    package var isEmpty: Bool { fields.isEmpty }

    /// Iterates the fields in order.
    package func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// `Name: value` lines, for debugging only (never log request headers: they carry tokens).
    package var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// Reserves room for `capacity` fields.
    package mutating func reserveCapacity(_ capacity: Int) {
        fields.reserveCapacity(capacity)
    }
}
