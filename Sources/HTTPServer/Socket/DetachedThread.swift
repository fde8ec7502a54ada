import CSystem
import Glibc

/// A plain operating-system thread that runs one closure to its end: the event loops, the log
/// flusher, the signal reader. They block in `epoll_wait`, `nanosleep` or `read`, so they must not
/// hold a Swift concurrency or Dispatch worker; and `Foundation.Thread` would link all of
/// Foundation for a call to `pthread_create`.
package enum DetachedThread {
    /// Starts a detached thread named `name` (Linux shows the first 15 bytes) that runs `body`.
    package static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let start = unsafe Unmanaged.passRetained(ThreadStart(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let result = unsafe pthread_create(
            &thread, nil,
            { context in
                let start = unsafe Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue()
                unsafe su_set_thread_name(start.name)
                start.body()
                return nil
            }, start)
        guard result == 0 else {
            // Without its thread the process cannot do its job (serve, flush logs, stop cleanly).
            fatalError("cannot start thread \(name): \(System.errorText(result))")
        }
        pthread_detach(thread)
    }
}

/// What a new thread runs, passed through `pthread_create`'s context pointer.
private final class ThreadStart: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
