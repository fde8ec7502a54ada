import Testing

extension Tag {
    /// Tests that stop an attack: smuggling, traversal, header injection, resource exhaustion.
    @Tag static var security: Self
}
