/* 100000 numbered lines ("line 1" .. "line 100000"), to test buffering and large console
 * output: a test can check that none is lost, duplicated or reordered. */
#include <stdio.h>

int main(void) {
    for (int i = 1; i <= 100000; ++i) printf("line %d\n", i);
    return 0;
}
