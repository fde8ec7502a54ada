import CryptoPrimitives
package import FoundationEssentials
import Glibc
import HTTPServer
import JWTAuth
package import Logging
package import SigV4
import Synchronization

/// The running service: configuration turned into a router, a listening `HTTPServer`, the JWKS
/// key store and the signing credentials (both loaded in the background; `/readyz` waits for
/// them), and in local mode the built-in identity provider and S3 receiver.
package final class Application: Sendable {
    /// The settings it runs with.
    package let configuration: ServiceConfiguration
    /// The bound port.
    package let port: Int
    /// `http://<host>:<port>`, as clients reach it.
    package let baseURL: String
    /// Readiness, for `/readyz` and the shutdown sequence.
    package let readiness: Readiness
    /// The Prometheus registry.
    package let metrics: Metrics
    /// The local identity provider (local mode only).
    package let localIdentity: LocalIdentityProvider?
    /// What `/config.json` serves.
    package let clientConfiguration: ClientConfiguration

    let server: HTTPServer
    let keyStore: JWKSKeyStore
    let verifier: CognitoTokenVerifier
    let refreshingCredentials: RefreshingCredentials?
    /// Brings the key store's and the credentials' refresh counts into `metrics`.
    let refreshMetrics: RefreshMetricsBridge
    let logger: Logger
    let backgroundTasks = Mutex<[Task<Void, Never>]>([])

    /// Builds everything and starts listening; keys and credentials load in the background.
    ///
    /// - Parameters:
    ///   - environment: the merged settings (also what the AWS credential chain reads).
    ///   - httpClient: the outbound client for JWKS and credential endpoints.
    ///   - now: the wall clock (token checks, signing, key dates).
    package init(
        configuration: ServiceConfiguration, environment: [String: String], logger: Logger,
        httpClient: (any OutboundHTTPClient)? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        self.configuration = configuration
        self.logger = logger
        let httpClient = httpClient ?? SocketHTTPClient(environment: environment)
        let trustedProxies: TrustedProxies
        do {
            trustedProxies =
                configuration.trustedProxies.isEmpty ? .none : try TrustedProxies(parsing: configuration.trustedProxies)
        } catch {
            throw ConfigurationError(setting: "TRUSTED_PROXIES", problem: "\(error)")
        }
        let staticFiles: StaticFiles
        do {
            // The page's modules are not fingerprinted: with a max-age a browser could run new HTML
            // against old JavaScript for minutes after a deploy. Revalidating costs a 304.
            staticFiles = try StaticFiles(root: configuration.staticDirectory, cacheControl: "no-cache")
        } catch {
            throw ConfigurationError(setting: "STATIC_DIR", problem: "\(error)")
        }

        // Local mode signs its issuer and S3 URLs with the address clients use, so the port must be
        // known before anything is built: port 0 is resolved to a free port first.
        let port = configuration.port == 0 ? try Self.reserveFreePort(host: configuration.host) : configuration.port
        let baseURL = configuration.baseURL(port: port)
        self.port = port
        self.baseURL = baseURL

        let metrics = Metrics()
        self.metrics = metrics
        var router = Router()

        let verifierConfiguration: CognitoVerifierConfiguration
        let location: S3Location
        let credentialsSource: any SigningCredentialsSource
        let keySource: JWKSSource
        let cognitoEndpoint: String
        let userPoolID: String
        let clientID: String
        switch configuration.mode {
        case .local:
            let local = LocalModeConfiguration(
                dataDirectory: configuration.localDataDirectory,
                users: configuration.localUsers?.map { (name: $0.name, password: $0.password) },
                region: configuration.region, bucket: configuration.uploadBucket, baseURL: baseURL,
                maxUploadBytes: configuration.maxUploadBytes)
            let credentials = try LocalS3Receiver.loadOrCreateCredentials(
                dataDirectory: configuration.localDataDirectory)
            let identity = try LocalIdentityProvider(configuration: local, now: now)
            // Its internal failures (errno, path: a full disk) reach the operator only through this logger.
            let receiver = try LocalS3Receiver(
                configuration: local, credentials: credentials, now: now, logger: logger)
            identity.register(into: &router)
            receiver.register(into: &router)
            localIdentity = identity
            refreshingCredentials = nil
            verifierConfiguration = CognitoVerifierConfiguration(
                issuers: [identity.issuer], clientIDs: [identity.clientID],
                tokenUse: TokenUse(configuration.cognitoTokenUse),
                requiredGroups: Set(configuration.cognitoRequiredGroups))
            location = S3Location(
                bucket: configuration.uploadBucket, region: configuration.region, endpoint: receiver.endpoint,
                forcePathStyle: true)
            credentialsSource = StaticCredentialsSource(credentials)
            keySource = .fetcher { identity.jwksDocument() }
            cognitoEndpoint = identity.cognitoEndpoint
            userPoolID = identity.userPoolID
            clientID = identity.clientID
        case .aws:
            localIdentity = nil
            let issuer = configuration.cognitoIssuer ?? ""
            var issuers = [issuer]
            if let poolID = configuration.cognitoUserPoolID {
                let poolRegion = poolID.split(separator: "_").first.map(String.init) ?? configuration.region
                let original = CognitoVerifierConfiguration.originalIssuer(region: poolRegion, userPoolID: poolID)
                // A derived issuer also accepts AWS's newer issuer form for the same pool.
                if issuer == original {
                    issuers.append(CognitoVerifierConfiguration.updatedIssuer(region: poolRegion, userPoolID: poolID))
                }
            }
            verifierConfiguration = CognitoVerifierConfiguration(
                issuers: issuers, clientIDs: Set(configuration.cognitoClientIDs),
                tokenUse: TokenUse(configuration.cognitoTokenUse),
                requiredGroups: Set(configuration.cognitoRequiredGroups))
            location = S3Location(
                bucket: configuration.uploadBucket, region: configuration.region, endpoint: configuration.s3Endpoint,
                forcePathStyle: configuration.s3ForcePathStyle,
                // S3_FORCE_PATH_STYLE=false with an endpoint asks for <bucket>.<endpoint host>.
                virtualHostedOnEndpoint: configuration.s3Endpoint != nil && !configuration.s3ForcePathStyle)
            if let problem = location.problem {
                throw ConfigurationError(
                    setting: configuration.s3Endpoint == nil ? "UPLOAD_BUCKET" : "S3_ENDPOINT", problem: problem)
            }
            let refreshing = RefreshingCredentials(
                provider: CredentialsProviderChain.standard(environment: environment, client: httpClient, now: now),
                now: now)
            refreshingCredentials = refreshing
            credentialsSource = refreshing
            if let file = configuration.cognitoJWKSFile {
                keySource = .file(path: file)
            } else {
                let fetcher = JWKSFetcher(url: configuration.cognitoJWKSURL ?? "", client: httpClient)
                keySource = .fetcher { try await fetcher.fetch() }
            }
            cognitoEndpoint = configuration.cognitoEndpoint ?? Self.cognitoEndpoint(issuer: issuer)
            userPoolID = configuration.cognitoUserPoolID ?? issuer.split(separator: "/").last.map(String.init) ?? ""
            clientID = configuration.cognitoClientIDs.first ?? ""
        }

        let keyStore = JWKSKeyStore(
            source: keySource, refreshInterval: configuration.jwksRefreshInterval,
            unknownKeyCooldown: configuration.jwksUnknownKeyCooldown, now: now)
        self.keyStore = keyStore
        // Keys that need no network are installed before the listener opens, so the first request
        // after the URL is announced is served, not refused with 503 (found flaky on a loaded CI
        // machine). A JWKS file that cannot be read yet is retried in the background like a fetch.
        switch (configuration.mode, keySource) {
        case (.local, _):
            try keyStore.install(document: localIdentity?.jwksDocument() ?? [])
        case (.aws, .file(let path)):
            if let contents = FileManager.default.contents(atPath: path) {
                try? keyStore.install(document: Array(contents))
            }
        case (.aws, .fetcher):
            break
        }
        if keyStore.isLoaded {
            logger.info("token signing keys loaded", metadata: ["keys": "\(keyStore.usableKeyIDs.count)"])
        }
        let verifier = CognitoTokenVerifier(
            configuration: verifierConfiguration, keyStore: keyStore, cacheCapacity: configuration.tokenCacheSize)
        self.verifier = verifier
        let readiness = Readiness(
            jwksLoaded: { keyStore.isLoaded }, credentialsAvailable: { credentialsSource.current() != nil })
        self.readiness = readiness

        let clientConfiguration = ClientConfiguration(
            mode: configuration.mode.rawValue, region: configuration.region, userPoolId: userPoolID,
            clientId: clientID, cognitoEndpoint: cognitoEndpoint, maxUploadBytes: configuration.maxUploadBytes,
            allowedContentTypes: configuration.allowedContentTypes.map(\.description))
        self.clientConfiguration = clientConfiguration

        let origin = ContinuousClock.now
        let issuerService = UploadIssuer(
            presigner: S3Presigner(location: location), credentials: credentialsSource,
            keyBuilder: ObjectKeyBuilder(randomHex: Application.randomHex),
            expiry: configuration.uploadURLExpiry)
        let uploadRoute = UploadRoute(
            verifier: verifier, issuer: issuerService, policy: configuration.uploadPolicy,
            cors: CORSPolicy(allowedOrigins: configuration.corsAllowedOrigins), readiness: readiness,
            rateLimiter: RateLimiter(perMinute: configuration.rateLimitPerMinute), metrics: metrics, now: now,
            uptime: { ContinuousClock.now - origin })
        uploadRoute.register(into: &router)
        OperationalRoutes.register(
            into: &router, readiness: readiness, metrics: metrics, clientConfiguration: clientConfiguration)
        router.serveStatic(staticFiles)

        var serverConfiguration = HTTPServerConfiguration()
        serverConfiguration.host = configuration.host
        serverConfiguration.port = port
        serverConfiguration.headerTimeout = configuration.http.headerTimeout
        serverConfiguration.bodyTimeout = configuration.http.bodyTimeout
        serverConfiguration.idleTimeout = configuration.http.idleTimeout
        serverConfiguration.writeTimeout = configuration.http.writeTimeout
        serverConfiguration.maxConnections = configuration.http.maxConnections
        serverConfiguration.sendBufferBytes = configuration.http.sendBufferBytes
        serverConfiguration.maxBufferedBytes = configuration.http.maxBufferedBytes
        let s3Origin = ContentSecurityPolicy.origin(of: "\(location.scheme)://\(location.host)")
        serverConfiguration.contentSecurityPolicy = ContentSecurityPolicy.policy(
            connectOrigins: [ContentSecurityPolicy.origin(of: cognitoEndpoint), s3Origin].compactMap { $0 })
        let accessLogger = LoggingBootstrap.accessLogger
        let server = HTTPServer(
            configuration: serverConfiguration, router: router, logger: Logger(label: "secure-upload.http"),
            onResponse: { record in
                let client = trustedProxies.clientAddress(
                    peer: record.remoteAddress, forwardedFor: record.forwardedFor)
                accessLogger.log(
                    requestID: record.requestID, method: record.method, path: record.path, route: record.route,
                    status: record.status, bytesSent: Int64(record.bytesSent), duration: record.duration,
                    clientAddress: client, user: record.attributes.user)
                metrics.recordRequest(
                    route: record.route, method: record.method, status: record.status, duration: record.duration)
            })
        self.server = server
        // Weak: the server owns (through its router and onResponse) the metrics, so a strong capture
        // here is a cycle that kept every stopped server, its loops and key store alive.
        metrics.setServerGauges(
            openConnections: { [weak server] in server?.openConnectionCount ?? 0 },
            bufferedBytes: { [weak server] in server?.bufferedBytes ?? 0 })
        do {
            _ = try server.start()
        } catch {
            throw ApplicationError(message: "cannot listen on \(configuration.host):\(port): \(error)")
        }
        let refreshMetrics = RefreshMetricsBridge(
            keyStore: keyStore, credentials: refreshingCredentials, metrics: metrics)
        self.refreshMetrics = refreshMetrics
        // Weak: the bridge holds the metrics, so a strong capture in them would be a cycle.
        metrics.beforeEachRender { [weak refreshMetrics] in refreshMetrics?.sync() }
        startBackgroundWork()
    }

    /// Loads the JWKS (retrying until it works, then refreshing periodically) and the credentials.
    /// `/metrics` counts their refreshes when it is read (`refreshMetrics`), so nothing here polls.
    private func startBackgroundWork() {
        let keyStore = keyStore
        let metrics = metrics
        let logger = logger
        let bridge = refreshMetrics
        bridge.sync()  // keys installed before the listener opened count from the start
        let keys = Task {
            var delay: Duration = .milliseconds(500)
            while !Task.isCancelled && !keyStore.isLoaded {
                do {
                    try await keyStore.load()
                    bridge.sync()
                    logger.info("token signing keys loaded", metadata: ["keys": "\(keyStore.usableKeyIDs.count)"])
                    break
                } catch {
                    bridge.sync()
                    logger.warning("cannot load token signing keys; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(30))
                }
            }
            guard !Task.isCancelled else { return }
            _ = keyStore.startPeriodicRefresh()
        }
        var tasks = [keys]
        if let refreshing = refreshingCredentials {
            tasks.append(
                Task {
                    do {
                        try await refreshing.start()
                        bridge.sync()
                        logger.info("signing credentials loaded")
                    } catch {
                        metrics.credentialsRefreshed(success: false)
                        logger.warning(
                            "no signing credentials yet; retrying in the background", metadata: ["error": "\(error)"])
                    }
                })
        }
        backgroundTasks.withLock { $0 = tasks }
    }

    /// Readiness turns false at once (SIGTERM): the load balancer stops sending.
    package func beginDraining() {
        readiness.beginDraining()
    }

    /// Closes the listener, lets in-flight requests finish within `gracePeriod`, stops everything.
    package func shutdown(gracePeriod: Duration) async {
        readiness.beginDraining()
        await server.shutdown(gracePeriod: gracePeriod)
        for task in backgroundTasks.withLock({ $0 }) { task.cancel() }
        keyStore.stop()
        refreshingCredentials?.stop()
        // Access lines are buffered: the last requests' lines go out before shutdown returns.
        BufferedLineWriter.standardOutput.flush()
    }

    /// 16 lowercase hex characters of 64 random bits, for object keys: from the batched pool (one
    /// DRBG call per 512 keys) and written with a table (the generic `Hex.encode`, not specialised
    /// across modules, showed in the request profile).
    package static func randomHex() -> String {
        let word = RandomWordPool.shared.next()
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = hexDigits[Int(word >> UInt64(60 - 4 * index) & 0x0F)]
            }
            return 16
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The Cognito JSON endpoint of an issuer's region: `https://cognito-idp.<region>.amazonaws.com/`.
    static func cognitoEndpoint(issuer: String) -> String {
        guard let components = URLComponents(string: issuer), let host = components.host else { return "" }
        let apiHost = host.hasPrefix("issuer-cognito-idp.") ? String(host.dropFirst("issuer-".count)) : host
        return "\(components.scheme ?? "https")://\(apiHost)\(components.port.map { ":\($0)" } ?? "")/"
    }

    /// A port the OS reports free on `host` (bound to port 0, read back, released at once).
    static func reserveFreePort(host: String) throws -> Int {
        let failure = ApplicationError(message: "cannot find a free port on \(host)")
        var address4 = sockaddr_in()
        var address6 = sockaddr_in6()
        let isIPv6 = inet_pton(AF_INET6, host, &address6.sin6_addr) == 1
        guard isIPv6 || inet_pton(AF_INET, host, &address4.sin_addr) == 1 else { throw failure }
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw failure }
        defer { close(fd) }
        if isIPv6 {
            address6.sin6_family = sa_family_t(AF_INET6)
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let bound = withUnsafeMutablePointer(to: &address6) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard bound else { throw failure }
            return Int(UInt16(bigEndian: address6.sin6_port))
        }
        address4.sin_family = sa_family_t(AF_INET)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address4) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw failure }
        return Int(UInt16(bigEndian: address4.sin_port))
    }
}

extension TokenUse {
    init(_ setting: ServiceConfiguration.TokenUse) {
        switch setting {
        case .id: self = .id
        case .access: self = .access
        case .any: self = .any
        }
    }
}

extension RefreshingCredentials: SigningCredentialsSource {}
