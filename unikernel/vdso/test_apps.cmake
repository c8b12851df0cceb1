# The vDSO's check app in the other shapes real programs come in (unikernel/tests/vdso_check.c,
# vdso_diet.c), next to the musl -static one the unikernel's test app list builds:
#   vdso-check-pie    musl static PIE, so it can get an MPK domain (the vDSO in a key's window)
#   vdso-check-glibc  glibc static (gcc -static): glibc's own vDSO lookup
#   vdso-diet         dietlibc (Debian's dietlibc-dev), only where it is installed: it has no
#                     syscall fallback and dies without a vDSO
uk_test_app(vdso-check-pie vdso_check.c musl-pie)
uk_test_app(vdso-check-glibc vdso_check.c glibc)

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
