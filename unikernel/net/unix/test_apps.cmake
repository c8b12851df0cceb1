# unix-check (unikernel/tests/unix_check.c): AF_UNIX sockets from the inside (net/unix/);
# tests/integration/unix_sockets_test.cpp runs it, alone and as two domains at once ("ns").
uk_test_app(unix-check unix_check.c musl)
