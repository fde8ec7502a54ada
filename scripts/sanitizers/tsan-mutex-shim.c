// Lets ThreadSanitizer see Synchronization.Mutex's contended path (Linux, x86_64 and arm64).
//
// Mutex.withLock is inlined into our instrumented code, and its uncontended fast path is an
// atomic compare-exchange TSan sees. A contended lock, though, is taken and released inside
// libswiftSynchronization.so (`_MutexHandle._lockSlow` / `_unlockSlow`, FUTEX_LOCK_PI), which is
// not instrumented: TSan misses the happens-before edge and reports the protected state as raced
// (mutex-tsan-repro.swift shows it). Preloaded into a TSan test run (scripts/sanitizers.sh), this
// library wraps the three slow-path entry points and tells TSan about the acquire and release on
// the lock word's address, the same address the inlined fast path's atomics use.
//
// The functions use Swift's calling convention: the _MutexHandle is `self`, passed by address in
// the swiftself register; `_lockSlow` takes the thread id as its one argument.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>

void __tsan_acquire(void *address) __attribute__((weak));
void __tsan_release(void *address) __attribute__((weak));

#define SWIFT __attribute__((swiftcall))
#define SELF __attribute__((swift_context))

typedef SWIFT void (*LockSlow)(uint32_t, void *SELF);
typedef SWIFT void (*UnlockSlow)(void *SELF);
typedef SWIFT bool (*TryLockSlow)(void *SELF);

static const char lockName[] = "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF";
static const char unlockName[] = "$s15Synchronization12_MutexHandleV11_unlockSlowyyF";
static const char tryLockName[] = "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF";

SWIFT void shimLockSlow(uint32_t threadID, void *SELF handle) __asm__(
    "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF");
SWIFT void shimUnlockSlow(void *SELF handle) __asm__("$s15Synchronization12_MutexHandleV11_unlockSlowyyF");
SWIFT bool shimTryLockSlow(void *SELF handle) __asm__("$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF");

SWIFT void shimLockSlow(uint32_t threadID, void *SELF handle) {
    static LockSlow real;
    if (!real) real = (LockSlow)dlsym(RTLD_NEXT, lockName);
    real(threadID, handle);
    if (__tsan_acquire) __tsan_acquire(handle);
}

SWIFT void shimUnlockSlow(void *SELF handle) {
    static UnlockSlow real;
    if (!real) real = (UnlockSlow)dlsym(RTLD_NEXT, unlockName);
    if (__tsan_release) __tsan_release(handle);
    real(handle);
}

SWIFT bool shimTryLockSlow(void *SELF handle) {
    static TryLockSlow real;
    if (!real) real = (TryLockSlow)dlsym(RTLD_NEXT, tryLockName);
    bool locked = real(handle);
    if (locked && __tsan_acquire) __tsan_acquire(handle);
    return locked;
}
