/* apps/hello with PAD_MIB MiB of initialised read-only data in its loaded image: the start-up
 * curve against app image size (bench/run.sh).  Only the first byte is read, so what grows is what
 * the launcher and the guest do per byte of image, not what the app does. */
#include <stdio.h>

#ifndef PAD_MIB
#define PAD_MIB 1
#endif

static const char pad[(unsigned long)PAD_MIB << 20] = {1};

int main(void) {
    fputs("Hello from enclave-run!\n", stdout);
    return *(volatile const char*)pad == 1 ? 0 : 1;
}
