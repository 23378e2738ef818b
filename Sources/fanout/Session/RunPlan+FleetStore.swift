import Engine
import RESP

extension RunPlan {
    /// Connects to `--limits_store` and checks it answers as a fleet store must (the password
    /// taken, the database there, scripts loaded); nil without one. The sentence on failure never
    /// holds the password.
    func connectFleetStore() async -> Result<(any FleetStore)?, FleetStoreRefusal> {
        guard let settings = configuration.fleetStore else { return .success(nil) }
        let shown = settings.address.display
        let store: RedisFleetStore
        do throws(EngineError) {
            store = try RedisFleetStore(address: settings.address, fleet: settings.fleet, endpoints: configuration.endpoints.map(\.name),
                                        password: storePassword, tls: storeTLS, connectTimeout: min(max(connectTimeout, 1), 5))
        } catch {
            return .failure(FleetStoreRefusal(sentence: "--limits_store \(shown): \(error.description)"))
        }
        do throws(RESPError) {
            try await store.connect()
            return .success(store)
        } catch where error.isRefusal {
            let said = error.detail
            // WRONGPASS, NOAUTH, "AUTH <password> called without any password configured".
            if said.contains("AUTH") || said.contains("password") {
                let variable = storePassword == nil ? "no password was given" : "the password"
                return .failure(FleetStoreRefusal(sentence: "--limits_store \(shown) refused \(variable) (\(said)); set the password in the variable --limits_store_password_env names"))
            }
            return .failure(FleetStoreRefusal(sentence: "--limits_store \(shown) refused to serve as the fleet store: \(said)"))
        } catch {
            return .failure(FleetStoreRefusal(sentence: "--limits_store \(shown) cannot be reached (\(error.detail)); nothing was sent. Start it, or leave out --limits_store to run without sharing"))
        }
    }
}

/// Why the fleet store cannot be used: one sentence, said before anything is sent.
struct FleetStoreRefusal: Error {
    let sentence: String
}
