# net-check (unikernel/tests/net_check.c): the guest side of AF_INET/AF_INET6 sockets over loopback
# from the inside; tests/integration/net_guest_test.cpp runs it.
uk_test_app(net-check net_check.c musl)
