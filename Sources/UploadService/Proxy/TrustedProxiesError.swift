/// A `TRUSTED_PROXIES` entry that is not an address or CIDR block.
package struct TrustedProxiesError: Error, Equatable, CustomStringConvertible {
    /// The entry as written in the list.
    package let entry: String
    /// What is wrong with it, as a sentence fragment.
    package let problem: String

    package var description: String {
        "TRUSTED_PROXIES entry \"\(entry)\" is not a valid address or CIDR block: \(problem)."
    }
}
