/// The SHA-256 of a whole token, as four words: a cheap, collision-resistant dictionary key.
struct TokenDigest: Hashable, Sendable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    /// The digest as ``SHA256/hashWords(_:)`` gives it.
    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    static func == (lhs: TokenDigest, rhs: TokenDigest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        // The words are already uniformly distributed; one is enough to spread the buckets.
        hasher.combine(words.0)
    }
}
