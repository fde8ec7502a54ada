/// Compares two byte sequences in time that depends only on their lengths, never on where they
/// differ: for signatures, MACs, passwords and password hashes.
package func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
    return difference == 0
}

/// Compares two strings' UTF-8 bytes in constant time (see `constantTimeEquals(_:_:)`).
package func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    constantTimeEquals(Array(lhs.utf8), Array(rhs.utf8))
}
