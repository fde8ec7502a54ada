/// Request ids: the client's `X-Request-Id` when sane, otherwise 16 pseudo-random bytes as hex.
/// Ids only need to be unique, not secret, so a per-loop xoshiro generator seeded once from the
/// kernel is enough and costs no syscall per request.
struct RequestIdentifiers {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose four state words come from `seed` through SplitMix64.
    init(seed: UInt64) {
        var mix = seed
        func next() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// xoshiro256** (Blackman and Vigna).
    private mutating func nextWord() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// 32 lowercase hex characters.
    mutating func next() -> String {
        let high = nextWord()
        let low = nextWord()
        return unsafe String(unsafeUninitializedCapacity: 32) { bytes in
            for index in 0..<16 {
                unsafe bytes[index] = Self.hexDigits[Int((high >> UInt64(60 - index * 4)) & 0xF)]
                unsafe bytes[16 + index] = Self.hexDigits[Int((low >> UInt64(60 - index * 4)) & 0xF)]
            }
            return 32
        }
    }

    /// The client's id if it is 1–128 characters of `[A-Za-z0-9._-]`, else nil: anything else could
    /// forge log lines or smuggle markup into logs and responses.
    static func sanitized(_ candidate: String?) -> String? {
        guard let candidate else { return nil }
        let utf8 = candidate.utf8
        guard (1...128).contains(utf8.count) else { return nil }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return nil
            }
        }
        return candidate
    }
}
