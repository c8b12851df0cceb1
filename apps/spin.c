// spin: never returns and makes no system call, to test that --timeout (and, later, preemption)
// ends or interrupts an app that will not yield.
int main(void) {
    for (volatile unsigned long i = 0;; i++) {
    }
}
