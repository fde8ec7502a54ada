extension Duration {
    /// The duration in seconds, as `Date` arithmetic wants it.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
