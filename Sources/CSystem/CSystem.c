#define _GNU_SOURCE
#include "CSystem.h"

#include <sys/resource.h>

#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <unistd.h>

int su_accept4_nonblocking(int fd, struct sockaddr *address, socklen_t *length) {
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int su_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int su_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int su_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}

int su_epoll_wait(int epfd, uint32_t *eventsOut, uint64_t *dataOut, int maxEvents, int timeoutMilliseconds) {
    struct epoll_event buffer[256];
    if (maxEvents > 256) maxEvents = 256;
    int count = epoll_wait(epfd, buffer, maxEvents, timeoutMilliseconds);
    for (int i = 0; i < count; i++) {
        eventsOut[i] = buffer[i].events;
        dataOut[i] = buffer[i].data.u64;
    }
    return count;
}

int su_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <pthread.h>

int su_listen_tcp(const char *host, int port, int backlog, int sendBuffer, int *boundPort, int *errorNumber,
                  const char **stage) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *result = NULL;
    int status = getaddrinfo(host, service, &hints, &result);
    if (status != 0) {
        *errorNumber = EINVAL;
        *stage = "getaddrinfo (host must be a numeric IPv4 or IPv6 address)";
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = result; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) { *errorNumber = errno; *stage = "socket"; continue; }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (sendBuffer > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer) != 0) {
            *errorNumber = errno; *stage = "setsockopt SO_SNDBUF"; close(fd); fd = -1; continue;
        }
        if (ai->ai_family == AF_INET6) {
            // "::" means every address, IPv4 included; a specific IPv6 address stays IPv6-only.
            int zero = 0;
            struct sockaddr_in6 *six = (struct sockaddr_in6 *)ai->ai_addr;
            if (IN6_IS_ADDR_UNSPECIFIED(&six->sin6_addr)) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            *errorNumber = errno; *stage = "bind"; close(fd); fd = -1; continue;
        }
        if (listen(fd, backlog) != 0) {
            *errorNumber = errno; *stage = "listen"; close(fd); fd = -1; continue;
        }
        break;
    }
    freeaddrinfo(result);
    if (fd < 0) return -1;
    struct sockaddr_storage local;
    socklen_t length = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &length) == 0) {
        if (local.ss_family == AF_INET) *boundPort = ntohs(((struct sockaddr_in *)&local)->sin_port);
        else *boundPort = ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
    }
    return fd;
}

int su_accept_connection(int listenFD, char *address, size_t addressCapacity) {
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    int fd = accept4(listenFD, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    address[0] = 0;
    if (peer.ss_family == AF_INET) {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, address, (socklen_t)addressCapacity);
    } else if (peer.ss_family == AF_INET6) {
        struct in6_addr *six = &((struct sockaddr_in6 *)&peer)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(six)) inet_ntop(AF_INET, &six->s6_addr[12], address, (socklen_t)addressCapacity);
        else inet_ntop(AF_INET6, six, address, (socklen_t)addressCapacity);
    }
    return fd;
}

ssize_t su_send2(int fd, const void *first, size_t firstLength, const void *second, size_t secondLength) {
    struct iovec vectors[2];
    vectors[0].iov_base = (void *)first;
    vectors[0].iov_len = firstLength;
    vectors[1].iov_base = (void *)second;
    vectors[1].iov_len = secondLength;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = vectors;
    message.msg_iovlen = secondLength > 0 ? 2 : 1;
    return sendmsg(fd, &message, MSG_NOSIGNAL);
}

int64_t su_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int64_t su_realtime_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return (int64_t)now.tv_sec;
}

static const char *const su_days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const su_months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void su_format_http_date(int64_t seconds, char out[29]) {
    time_t value = (time_t)seconds;
    struct tm parts;
    gmtime_r(&value, &parts);
    char buffer[32];
    snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", su_days[parts.tm_wday % 7],
             parts.tm_mday, su_months[parts.tm_mon % 12], (parts.tm_year + 1900) % 10000, parts.tm_hour,
             parts.tm_min, parts.tm_sec);
    memcpy(out, buffer, 29);
}

int su_parse_http_date(const char *text, size_t length, int64_t *seconds) {
    // IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT" (the form every current client sends).
    if (length != 29) return -1;
    char copy[30];
    memcpy(copy, text, 29);
    copy[29] = 0;
    char day[4], month[4], zone[4];
    int mday, year, hour, minute, second;
    if (sscanf(copy, "%3s, %2d %3s %4d %2d:%2d:%2d %3s", day, &mday, month, &year, &hour, &minute, &second, zone) != 8)
        return -1;
    if (strcmp(zone, "GMT") != 0) return -1;
    int monthIndex = -1;
    for (int i = 0; i < 12; i++) if (strcmp(month, su_months[i]) == 0) monthIndex = i;
    if (monthIndex < 0 || mday < 1 || mday > 31 || hour > 23 || minute > 59 || second > 60) return -1;
    struct tm parts;
    memset(&parts, 0, sizeof parts);
    parts.tm_year = year - 1900;
    parts.tm_mon = monthIndex;
    parts.tm_mday = mday;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    *seconds = (int64_t)timegm(&parts);
    return 0;
}

void su_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

// The self-pipe trick: the handler only write(2)s the signal number (async-signal-safe) to a pipe
// a thread reads. Installed with sigaction, the handler is in place when the call returns, on
// every thread, so no signal is lost between start-up and the first wait.
static int su_termination_pipe_write = -1;

static void su_on_termination(int number) {
    int saved = errno;
    unsigned char byte = (unsigned char)number;
    ssize_t ignored = write(su_termination_pipe_write, &byte, 1);
    (void)ignored;
    errno = saved;
}

int su_catch_termination_signals(void) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    // A full pipe (thousands of unread signals) drops further bytes instead of blocking the handler.
    fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    su_termination_pipe_write = fds[1];
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = su_on_termination;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &action, NULL) != 0 || sigaction(SIGINT, &action, NULL) != 0) return -1;
    return fds[0];
}

int su_wait_termination_signal(int readFD) {
    for (;;) {
        unsigned char byte = 0;
        ssize_t count = read(readFD, &byte, 1);
        if (count == 1) return byte;
        if (count < 0 && errno == EINTR) continue;
        return -1;
    }
}

int su_random_bytes(void *buffer, size_t length) {
    size_t done = 0;
    while (done < length) {
        ssize_t count = getrandom((char *)buffer + done, length - done, 0);
        if (count < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        done += (size_t)count;
    }
    return 0;
}

void su_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t ignored = write(fd, &one, sizeof one);
    (void)ignored;
}

void su_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t ignored = read(fd, &value, sizeof value);
    (void)ignored;
}

int su_stat(const char *path, int64_t *size, int64_t *modifiedSeconds, int64_t *modifiedNanoseconds,
            uint64_t *inode, uint64_t *device, int *isRegular) {
    struct stat info;
    if (stat(path, &info) != 0) return -1;
    *size = (int64_t)info.st_size;
    *modifiedSeconds = (int64_t)info.st_mtim.tv_sec;
    *modifiedNanoseconds = (int64_t)info.st_mtim.tv_nsec;
    *inode = (uint64_t)info.st_ino;
    *device = (uint64_t)info.st_dev;
    *isRegular = S_ISREG(info.st_mode) ? 1 : 0;
    return 0;
}

int su_trim_memory(void) { return malloc_trim(0); }

int su_usable_processor_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    return CPU_COUNT(&set);
}

void su_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

long long su_raise_open_file_limit(unsigned long long wanted) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    // Containers commonly start with a soft limit of 1024 and a much higher hard limit.
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlim_t target = wanted;
        if (limit.rlim_max != RLIM_INFINITY && target > limit.rlim_max) target = limit.rlim_max;
        struct rlimit raised = { target, limit.rlim_max };
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit.rlim_cur = target;
    }
    return limit.rlim_cur == RLIM_INFINITY ? (long long)wanted : (long long)limit.rlim_cur;
}
