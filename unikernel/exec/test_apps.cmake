# exec-check (unikernel/tests/exec_check.c): execve from the inside; tests/integration/exec_test.cpp
# runs it from a tree that holds it as /bin/exec-check.  fork-check (fork_check.c): fork, wait and
# the process tree; fork-check-pie so it can get an MPK domain (tests/integration/fork_test.cpp).
uk_test_app(exec-check exec_check.c musl)
uk_test_app(fork-check fork_check.c musl)
uk_test_app(fork-check-pie fork_check.c musl-pie)
