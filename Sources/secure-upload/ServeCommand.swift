import ArgumentParser
import Dispatch
import Foundation
import Logging
import UploadService

/// Runs the service until SIGTERM or SIGINT, then drains: `/readyz` turns 503 at once, the
/// listener closes after `SHUTDOWN_DELAY`, in-flight requests get `SHUTDOWN_GRACE`, exit 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the upload service (the default command).")

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let merged: [String: String]
        let configuration: ServiceConfiguration
        do {
            let dotEnv = try SettingsSources.readDotEnv(
                path: settings.envFile ?? ".env", required: settings.envFile != nil)
            merged = SettingsSources.merge(dotEnv: dotEnv, environment: environment, flags: settings.values)
            configuration = try ServiceConfiguration.load(from: merged)
        } catch {
            Self.fail("\(error)")
        }
        LoggingBootstrap.bootstrap(
            format: configuration.logFormat == .json ? .json : .text, level: configuration.logLevel)
        let logger = Logger(label: "secure-upload")
        var summary = Logger.Metadata()
        for (name, value) in configuration.redactedSummary { summary[name] = .string(value) }
        logger.info("effective configuration", metadata: summary)

        // Signals must be ignored before the sources exist, or the default action kills the process.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let application: Application
        do {
            application = try Application(configuration: configuration, environment: merged, logger: logger)
        } catch let error as ConfigurationError {
            Self.fail("\(error)")
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        announce(application, logger: logger)

        let signalName = await Self.waitForTermination()
        logger.info(
            "shutdown requested: not ready from now on, closing the listener after SHUTDOWN_DELAY",
            metadata: ["signal": "\(signalName)", "delay": "\(configuration.shutdownDelay)"])
        application.beginDraining()
        try? await Task.sleep(for: configuration.shutdownDelay)
        await application.shutdown(gracePeriod: configuration.shutdownGrace)
        logger.info("exiting", metadata: ["code": "0"])
    }

    /// One line on standard error naming the setting, exit code 2.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("secure-upload: \(message)\n".utf8))
        Foundation.exit(2)
    }

    func announce(_ application: Application, logger: Logger) {
        logger.info("serving", metadata: ["url": "\(application.baseURL)/"])
        guard let identity = application.localIdentity else { return }
        let users = application.configuration.localUsers?.map(\.name) ?? ["demo"]
        logger.warning(
            "LOCAL MODE: built-in sign-in and storage on this machine, not for production",
            metadata: [
                "users": "\(users.joined(separator: ","))",
                "data_dir": "\(application.configuration.localDataDirectory)",
            ])
        var lines = [
            "",
            "==================== LOCAL MODE ====================",
            "No AWS account involved: sign-in and storage are built in.",
            "Page:            \(application.baseURL)/",
            "Cognito (local): \(identity.cognitoEndpoint)  client id \(identity.clientID)",
            "Objects stored:  \(application.configuration.localDataDirectory)/\(application.configuration.uploadBucket)/",
        ]
        if let password = identity.generatedDemoPassword {
            lines.append("Sign in as:      demo / \(password)   (generated, shown only now)")
        } else if let users = application.configuration.localUsers {
            lines.append("Sign in as:      \(users.map(\.name).joined(separator: ", ")) (passwords from LOCAL_USERS)")
        }
        lines.append("====================================================")
        // Printed, not logged: the generated password must not end up in a log pipeline's storage.
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Suspends until SIGTERM or SIGINT arrives; returns its name.
    static func waitForTermination() async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "secure-upload.signals")
            let resumed = SignalOnce(continuation)
            var sources: [any DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume(name) }
                source.resume()
                sources.append(source)
            }
            resumed.keepAlive(sources)
        }
    }
}

/// Resumes a continuation at most once (a second signal exits at once) and keeps the signal
/// sources alive meanwhile.
private final class SignalOnce: @unchecked Sendable {
    // @unchecked: every access happens on the single serial signal queue.
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) {
        self.continuation = continuation
    }

    func keepAlive(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func resume(_ name: String) {
        guard let continuation else {
            // A second signal while draining (Ctrl-C twice): stop waiting for the grace period.
            FileHandle.standardError.write(Data("secure-upload: second \(name), exiting now\n".utf8))
            Foundation.exit(1)
        }
        continuation.resume(returning: name)
        self.continuation = nil
    }
}
