import ArgumentParser

/// `secure-upload [serve] [--flags]` runs the service; `secure-upload healthcheck` probes it.
@main
struct SecureUploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secure-upload",
        abstract: "Signed-in users upload files straight to S3 through short-lived pre-signed PUT URLs.",
        discussion: """
            Every option is also an environment variable (the name in brackets) and may be put in a .env file. \
            With no AWS settings the service runs in local mode: a built-in Cognito-compatible sign-in and \
            S3-compatible receiver, no AWS account needed.
            """,
        subcommands: [ServeCommand.self, HealthcheckCommand.self],
        defaultSubcommand: ServeCommand.self)
}
