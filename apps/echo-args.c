/* Prints its argument count, each argument and each environment entry, one per line, so tests
 * can check the initial stack the loader builds.  Built twice: echo-args and echo-args-pie. */
#include <stdio.h>

int main(int argc, char** argv, char** envp) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
    for (char** e = envp; *e != NULL; ++e) printf("env: %s\n", *e);
    return 0;
}
