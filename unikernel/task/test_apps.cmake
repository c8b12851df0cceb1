# thread-check with musl and with glibc: their pthreads differ (glibc tries clone3 first, musl
# requeues condvar waiters with FUTEX_REQUEUE), so both run (unikernel/tests/thread_check.c).
uk_test_app(thread-check thread_check.c musl -pthread)
uk_test_app(thread-check-glibc thread_check.c glibc -pthread)
