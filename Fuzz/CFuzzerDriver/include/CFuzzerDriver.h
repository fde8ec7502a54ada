// libFuzzer's driver entry point, for fuzz executables built by SwiftPM: SwiftPM links an
// executable with `main` aliased to `<module>_main`, so each harness defines that symbol and hands
// control to libFuzzer here instead of relying on libFuzzer's own `main`.
#ifndef SECURE_UPLOAD_CFUZZERDRIVER_H
#define SECURE_UPLOAD_CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef int (*su_fuzz_callback)(const uint8_t *data, size_t size);

/// Runs libFuzzer with the process arguments and `callback` as LLVMFuzzerTestOneInput.
int su_fuzz_run(int argc, char **argv, su_fuzz_callback callback);

#endif
