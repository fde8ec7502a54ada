import ArgumentParser
import FoundationEssentials
import UploadService

/// `secure-upload healthcheck`: GET http://127.0.0.1:$PORT/healthz over a plain socket (slim
/// images have no curl); exit 0 on 200, 1 otherwise. For Docker's HEALTHCHECK.
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck", abstract: "Exit 0 if the local server answers /healthz with 200, else 1.")

    @Option(help: "Port to probe [default: PORT from the environment or .env, else 8080].")
    var port: Int?

    @Option(help: "Address to probe.")
    var host: String = "127.0.0.1"

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 3

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let dotEnv = (try? SettingsSources.readDotEnv(path: ".env", required: false)) ?? [:]
        let resolvedPort = port ?? Int(environment["PORT"] ?? dotEnv["PORT"] ?? "") ?? 8080
        let status = HealthProbe.status(host: host, port: resolvedPort, path: "/healthz", timeoutSeconds: timeout)
        if status == 200 { return }
        StandardStreams.error(
            "secure-upload healthcheck: \(status.map { "HTTP \($0)" } ?? "no answer") from \(host):\(resolvedPort)\n"
        )
        throw ExitCode.failure
    }
}
