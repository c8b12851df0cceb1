# procfs-check (unikernel/tests/procfs_check.c): /proc, record locks, getrusage, chmod/chown,
# big /tmp files and file mmap from the inside; tests/integration/procfs_test.cpp runs it.
# Included at the end of unikernel/CMakeLists.txt; adds to UK_TEST_APPS before its target.
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/procfs-check
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${MUSL_GCC} -static -O2 -Wall -Wextra ${ER_WERROR_FLAG} -I${CMAKE_SOURCE_DIR}/apps/include
          -o ${UK_TEST_APPS_DIR}/procfs-check ${CMAKE_CURRENT_SOURCE_DIR}/tests/procfs_check.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/procfs_check.c ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "musl-gcc -static unikernel/tests/procfs-check"
  VERBATIM)
list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/procfs-check)
