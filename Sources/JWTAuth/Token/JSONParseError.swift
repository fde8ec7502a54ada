/// Why a JSON text was refused, as a predicate for "the header …" or "the document …". Never
/// quotes the text: it is attacker-supplied.
struct JSONParseError: Error, Sendable {
    let message: String
}
