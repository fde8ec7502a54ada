#include "CFuzzerDriver.h"

// Provided by libFuzzer (linked with -sanitize=fuzzer).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

int su_fuzz_run(int argc, char **argv, su_fuzz_callback callback) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}
