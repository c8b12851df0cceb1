# procfs-check (unikernel/tests/procfs_check.c): /proc, record locks, getrusage, chmod/chown,
# big /tmp files and file mmap from the inside; tests/integration/procfs_test.cpp runs it.
uk_test_app(procfs-check procfs_check.c musl)
