#define _GNU_SOURCE
#include "CSystem.h"

#include <fcntl.h>
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
