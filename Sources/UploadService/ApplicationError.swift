/// Start-up failures that are not a bad setting (the port is taken, the data folder is unwritable).
package struct ApplicationError: Error, CustomStringConvertible {
    /// What failed.
    package var message: String
    /// The message.
    package var description: String { message }
}
