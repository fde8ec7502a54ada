import ArgumentParser
import Dispatch
import FoundationEssentials
import Glibc
import HTTPServer
import Logging
import Synchronization
import UploadService

/// Runs the service until SIGTERM or SIGINT, then drains: `/readyz` turns 503 at once, the
/// listener closes after `SHUTDOWN_DELAY`, in-flight requests get `SHUTDOWN_GRACE`, exit 0.
///
/// `run()` is synchronous on purpose: an async entry point ends the main thread in `dispatch_main`,
/// whose `pthread_exit` unwinds the main stack through `.eh_frame`, and those tables then stay
/// resident (0.7 MB). The main thread blocks on the first signal instead, and the asynchronous
/// drain runs on the global executor while it waits.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the upload service (the default command).")

    @OptionGroup var settings: SettingsOptions

    func run() throws {
        // First of all: from here on a SIGTERM or SIGINT is caught and kept, never lost or fatal.
        let signals = TerminationSignals()
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

        let signalName = signals.wait()
        logger.info(
            "shutdown requested: not ready from now on, closing the listener after SHUTDOWN_DELAY",
            metadata: ["signal": "\(signalName)", "delay": "\(configuration.shutdownDelay)"])
        application.beginDraining()
        let drained = DispatchSemaphore(value: 0)
        Task {
            try? await Task.sleep(for: configuration.shutdownDelay)
            await application.shutdown(gracePeriod: configuration.shutdownGrace)
            drained.signal()
        }
        drained.wait()
        logger.info("exiting", metadata: ["code": "0"])
    }

    /// One line on standard error naming the setting, exit code 2.
    static func fail(_ message: String) -> Never {
        StandardStreams.error("secure-upload: \(message)\n")
        Glibc.exit(2)
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
        StandardStreams.output(lines.joined(separator: "\n") + "\n")
    }
}

/// SIGTERM and SIGINT, caught from creation on (a `sigaction` handler feeding a pipe, see
/// `TerminationSignalPipe`): `wait()` returns the first one even if it arrived before anyone
/// waited (during start-up); a second signal while draining exits at once.
final class TerminationSignals: Sendable {
    private let first = Mutex<String?>(nil)
    private let arrived = DispatchSemaphore(value: 0)

    init() {
        guard let pipe = TerminationSignalPipe.install() else {
            StandardStreams.error("secure-upload: cannot catch SIGTERM/SIGINT\n")
            Glibc.exit(1)
        }
        // A plain thread blocks on the pipe: it must not hold a Swift concurrency or Dispatch worker.
        DetachedThread.start(name: "signals") { [self] in
            while let name = pipe.next() { deliver(name) }
        }
    }

    /// The name of the first termination signal, blocking until one has arrived.
    func wait() -> String {
        arrived.wait()
        return first.withLock { $0 ?? "" }
    }

    private func deliver(_ name: String) {
        let isFirst = first.withLock { first in
            guard first == nil else { return false }
            first = name
            return true
        }
        if isFirst {
            arrived.signal()
        } else {
            // A second signal while draining (Ctrl-C twice): stop waiting for the grace period.
            StandardStreams.error("secure-upload: second \(name), exiting now\n")
            Glibc.exit(1)
        }
    }
}
