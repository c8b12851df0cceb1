/* Prints one line and exits 0: the smallest end-to-end check.  Built twice: hello (static EXEC)
 * and hello-pie (static PIE, ELF type DYN). */
#include <stdio.h>

int main(void) {
    fputs("Hello from enclave-run!\n", stdout);
    return 0;
}
