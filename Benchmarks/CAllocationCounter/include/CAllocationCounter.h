#ifndef SECURE_UPLOAD_ALLOCATION_COUNTER_H
#define SECURE_UPLOAD_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Heap allocations made so far by the whole process: every call to malloc, calloc, realloc,
/// posix_memalign, aligned_alloc or memalign, which this target interposes (micro-benchmarks
/// only; the product never links it).
uint64_t su_allocation_count(void);

#endif
