# dev-check (unikernel/tests/dev_check.c): /dev/null, zero, full, random, urandom from the
# inside; tests/integration/dev_test.cpp runs it.
uk_test_app(dev-check dev_check.c musl)
