/// A decoded `InitiateAuth` call (Cognito API reference, "InitiateAuth"), validated the way Cognito
/// validates it: null members first, then the flow name against the API's enum.
struct InitiateAuthRequest: Sendable, Equatable {
    enum Flow: Sendable, Equatable {
        case userPassword(username: String, password: String)
        case refreshToken(String)
    }

    let clientID: String
    let flow: Flow

    /// Every `AuthFlow` value the API defines; the ones local mode does not run are "not enabled".
    static let knownFlows = [
        "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH",
        "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH",
    ]

    /// Parses the JSON body. `clientExists` is asked before the flow's parameters are read, so a
    /// wrong client id is reported as Cognito reports it.
    static func parse(_ body: [UInt8], clientExists: (String) -> Bool) throws(CognitoError) -> InitiateAuthRequest {
        let members: [(key: String, value: RequestJSON)]
        do {
            guard case .object(let parsed) = try RequestJSONParser.parse(body, maximumDepth: 64) else {
                throw CognitoError.serialization("The request body must be a JSON object.")
            }
            members = parsed
        } catch let error as CognitoError {
            throw error
        } catch {
            throw .serialization("The request body is not valid JSON.")
        }
        guard let flowName = try string(member("AuthFlow", in: members), member: "authFlow") else {
            throw .nullMember("authFlow")
        }
        guard let clientID = try string(member("ClientId", in: members), member: "clientId") else {
            throw .nullMember("clientId")
        }
        guard knownFlows.contains(flowName) else {
            throw .invalidParameter(
                "1 validation error detected: Value '\(flowName)' at 'authFlow' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [\(knownFlows.joined(separator: ", "))]")
        }
        guard clientExists(clientID) else { throw .unknownClient(clientID) }
        let parameters: [(key: String, value: RequestJSON)]
        switch member("AuthParameters", in: members) {
        case nil, .null: parameters = []
        case .object(let map): parameters = map
        default: throw .serialization("AuthParameters must be a map of strings.")
        }
        func parameter(_ name: String) throws(CognitoError) -> String {
            switch member(name, in: parameters) {
            case .string(let value) where !value.isEmpty: return value
            case nil, .null, .string: throw .missingParameter(name)
            default: throw .serialization("AuthParameters.\(name) must be a string.")
            }
        }
        switch flowName {
        case "USER_PASSWORD_AUTH":
            let username = try parameter("USERNAME")
            let password = try parameter("PASSWORD")
            return InitiateAuthRequest(clientID: clientID, flow: .userPassword(username: username, password: password))
        case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
            return InitiateAuthRequest(clientID: clientID, flow: .refreshToken(try parameter("REFRESH_TOKEN")))
        case "ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH":
            throw .invalidParameter("Initiate Auth method not supported.")
        default:
            throw .invalidParameter("\(flowName) flow not enabled for this client")
        }
    }

    /// The value of member `name`; when it repeats, the last one (as `JSONSerialization` read it).
    private static func member(_ name: String, in members: [(key: String, value: RequestJSON)]) -> RequestJSON? {
        members.last { $0.key == name }?.value
    }

    private static func string(_ value: RequestJSON?, member: String) throws(CognitoError) -> String? {
        switch value {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw .serialization("\(member) must be a string.")
        }
    }
}
