/* Exits with the integer in argv[1] (default 3), to check that exit status travels back to the
 * host.  Only the low 8 bits survive, as on Linux. */
#include <stdlib.h>

int main(int argc, char** argv) {
    if (argc < 2) return 3;
    return (int)strtol(argv[1], NULL, 0);
}
