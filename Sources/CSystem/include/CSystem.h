// The few Linux calls Glibc's Swift module does not expose (epoll, accept4, eventfd), and
// wrappers for the macros and variadic functions Swift cannot call. Only HTTPServer imports this.
#ifndef SECURE_UPLOAD_CSYSTEM_H
#define SECURE_UPLOAD_CSYSTEM_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#endif

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int su_accept4_nonblocking(int fd, struct sockaddr *address, socklen_t *length);

/// fcntl(fd, F_SETFL, flags | O_NONBLOCK); fcntl is variadic, which Swift cannot call.
int su_set_nonblocking(int fd);

/// The epoll calls. `events` are EPOLLIN, EPOLLOUT, ... as below.
int su_epoll_create(void);
int su_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Fills `eventsOut[i]` and `dataOut[i]` for each ready descriptor; returns the count or -1.
int su_epoll_wait(int epfd, uint32_t *eventsOut, uint64_t *dataOut, int maxEvents, int timeoutMilliseconds);

/// An eventfd to wake a loop from another thread.
int su_eventfd(void);

static inline int su_epoll_ctl_add(void) { return 1; }  // EPOLL_CTL_ADD
static inline int su_epoll_ctl_del(void) { return 2; }  // EPOLL_CTL_DEL
static inline int su_epoll_ctl_mod(void) { return 3; }  // EPOLL_CTL_MOD
static inline uint32_t su_epollin(void) { return 0x001; }
static inline uint32_t su_epollout(void) { return 0x004; }
static inline uint32_t su_epollerr(void) { return 0x008; }
static inline uint32_t su_epollhup(void) { return 0x010; }
static inline uint32_t su_epollrdhup(void) { return 0x2000; }
static inline uint32_t su_epollet(void) { return 1u << 31; }
static inline uint32_t su_epollexclusive(void) { return 1u << 28; }

/// MSG_NOSIGNAL, so a write to a closed peer returns EPIPE instead of raising SIGPIPE.
static inline int su_msg_nosignal(void) { return 0x4000; }

/// Creates a listening TCP socket (non-blocking, close-on-exec, SO_REUSEADDR, and dual-stack for
/// `::`) on the numeric `host` and `port` (0 picks a free port). A `sendBuffer` above 0 sets
/// SO_SNDBUF on the listener, which every accepted socket inherits (and with it the lock that stops
/// the kernel's send-buffer autotuning). Returns the descriptor, or -1 with `*errorNumber` set and
/// `stage` naming the failing call; `*boundPort` receives the port.
int su_listen_tcp(const char *host, int port, int backlog, int sendBuffer, int *boundPort, int *errorNumber,
                  const char **stage);

/// Raises the soft RLIMIT_NOFILE towards `wanted` (never above the hard limit, never lowers it).
/// Returns the soft limit in force afterwards, or -1 if it cannot be read.
long long su_raise_open_file_limit(unsigned long long wanted);

/// accept4 (non-blocking, close-on-exec) that also sets TCP_NODELAY and writes the peer's IP
/// literal (IPv4-mapped IPv6 shown as IPv4) into `address`. Returns the descriptor or -1 (errno).
int su_accept_connection(int listenFD, char *address, size_t addressCapacity);

/// sendmsg of up to two buffers with MSG_NOSIGNAL: writev that never raises SIGPIPE.
ssize_t su_send2(int fd, const void *first, size_t firstLength, const void *second, size_t secondLength);

/// CLOCK_MONOTONIC in nanoseconds.
int64_t su_monotonic_nanoseconds(void);

/// CLOCK_REALTIME in whole seconds since 1970.
int64_t su_realtime_seconds(void);

/// Writes the IMF-fixdate for `seconds` (e.g. "Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes, no NUL)
/// into `out`, independent of the process locale.
void su_format_http_date(int64_t seconds, char out[29]);

/// Parses an IMF-fixdate (RFC 9110 §5.6.7); returns 0 and sets `*seconds`, or -1.
int su_parse_http_date(const char *text, size_t length, int64_t *seconds);

/// Ignores SIGPIPE for the whole process (writes also use MSG_NOSIGNAL).
void su_ignore_sigpipe(void);
/// Catches SIGTERM and SIGINT with a handler that writes the signal number to a pipe; returns the
/// pipe's read end, or -1. The handler is installed when the call returns.
int su_catch_termination_signals(void);
/// Blocks until the next caught termination signal; returns its number, or -1 if the pipe failed.
int su_wait_termination_signal(int readFD);

/// Fills `buffer` from the kernel's random source; returns 0 or -1.
int su_random_bytes(void *buffer, size_t length);

/// Adds one to an eventfd counter (wakes its epoll waiter); drains it to zero.
void su_eventfd_signal(int fd);
void su_eventfd_drain(int fd);

/// malloc_trim(0): gives free heap pages of every malloc arena back to the kernel (glibc keeps
/// them otherwise). Returns 1 if memory was released.
int su_trim_memory(void);

/// The CPUs this process may run on (sched_getaffinity), which `taskset`, `docker --cpuset-cpus`
/// and Kubernetes' static CPU manager restrict; -1 on failure. Online CPUs can be many more.
int su_usable_processor_count(void);

/// Names the calling thread (at most 15 bytes are kept), for top -H, perf and debuggers.
void su_set_thread_name(const char *name);

/// Reads a file's identity; returns 0 or -1 (errno). `isRegular` is 1 for regular files.
int su_stat(const char *path, int64_t *size, int64_t *modifiedSeconds, int64_t *modifiedNanoseconds,
            uint64_t *inode, uint64_t *device, int *isRegular);

#endif
