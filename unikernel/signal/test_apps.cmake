# signal-check with static glibc, next to the musl one of the unikernel's test app list: glibc's
# sigaction restorer, sigsetjmp and sigtimedwait differ from musl's (unikernel/tests/signal_check.c).
uk_test_app(signal-check-glibc signal_check.c glibc)
