/* One line on each output stream, to check that stdout and stderr stay apart. */
#include <stdio.h>

int main(void) {
    fputs("to stdout\n", stdout);
    fflush(stdout);
    fputs("to stderr\n", stderr);
    return 0;
}
