# The vDSO's check app in the other shapes real programs come in (unikernel/tests/vdso_check.c,
# vdso_diet.c), next to the musl -static one the unikernel's test app list builds:
#   vdso-check-pie    musl static PIE, so it can get an MPK domain (the vDSO in a key's window)
#   vdso-check-glibc  glibc static (gcc -static): glibc's own vDSO lookup
#   vdso-diet         dietlibc (Debian's dietlibc-dev), only where it is installed: it has no
#                     syscall fallback and dies without a vDSO
# Included at the end of unikernel/CMakeLists.txt; adds to UK_TEST_APPS before its target.
set(ER_VDSO_CHECK_SRC ${CMAKE_CURRENT_SOURCE_DIR}/tests/vdso_check.c)
set(ER_VDSO_CHECK_FLAGS -O2 -Wall -Wextra ${ER_WERROR_FLAG} -I${CMAKE_SOURCE_DIR}/apps/include)

set(m /usr/lib/x86_64-linux-musl)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtbeginS.o
                OUTPUT_VARIABLE ER_VDSO_CRTBEGIN OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtendS.o
                OUTPUT_VARIABLE ER_VDSO_CRTEND OUTPUT_STRIP_TRAILING_WHITESPACE)
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/vdso-check-pie
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${MUSL_GCC} -fPIE -pie -Wl,-static -Wl,--no-dynamic-linker -nostartfiles
          ${m}/rcrt1.o ${m}/crti.o ${ER_VDSO_CRTBEGIN} ${ER_VDSO_CHECK_FLAGS}
          -o ${UK_TEST_APPS_DIR}/vdso-check-pie ${ER_VDSO_CHECK_SRC} ${ER_VDSO_CRTEND} ${m}/crtn.o
  DEPENDS ${ER_VDSO_CHECK_SRC} ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "musl-gcc static PIE unikernel/tests/vdso-check-pie"
  VERBATIM)
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/vdso-check-glibc
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${CMAKE_C_COMPILER} -static ${ER_VDSO_CHECK_FLAGS}
          -o ${UK_TEST_APPS_DIR}/vdso-check-glibc ${ER_VDSO_CHECK_SRC}
  DEPENDS ${ER_VDSO_CHECK_SRC} ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "gcc -static (glibc) unikernel/tests/vdso-check-glibc"
  VERBATIM)
list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/vdso-check-pie ${UK_TEST_APPS_DIR}/vdso-check-glibc)

find_program(ER_DIET diet)
if(ER_DIET)
  add_custom_command(
    OUTPUT ${UK_TEST_APPS_DIR}/vdso-diet
    COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
    COMMAND ${ER_DIET} ${CMAKE_C_COMPILER} -O2 -Wall -Wextra ${ER_WERROR_FLAG}
            -o ${UK_TEST_APPS_DIR}/vdso-diet ${CMAKE_CURRENT_SOURCE_DIR}/tests/vdso_diet.c
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/vdso_diet.c
    COMMENT "diet gcc (dietlibc) unikernel/tests/vdso-diet"
    VERBATIM)
  list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/vdso-diet)
else()
  message(STATUS "dietlibc (diet) not found: vdso-diet is not built and its test skips")
endif()
