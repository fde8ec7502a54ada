import Glibc

/// An exclusive `flock(2)` on `<LOCAL_DATA_DIR>/.secure-upload/lock`, held while local mode runs.
/// Holding it proves no other live process writes into the data folder, so every temporary upload
/// file found at start-up is debris of a run that died (SIGKILL, power loss) and can go at once.
/// The kernel drops the lock when the process dies, however it dies.
final class DataDirectoryLock: Sendable {
    private let fd: Int32

    /// Takes the lock, or returns nil when another process holds it (or the file cannot be opened).
    init?(layout: LocalDataLayout) {
        let fd = open(layout.stateDirectory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
