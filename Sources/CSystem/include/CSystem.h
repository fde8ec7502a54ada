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

/// MSG_NOSIGNAL, so a write to a closed peer returns EPIPE instead of raising SIGPIPE.
static inline int su_msg_nosignal(void) { return 0x4000; }

#endif
