/* SPDX-License-Identifier: MIT */
/* Linked into the sanitizer build of hutch only (make check-sanitize).
 * LeakSanitizer is off: hutch allocates nothing on the heap (config.h),
 * and it cannot run here anyway, since hutch makes itself non-dumpable
 * (PR_SET_DUMPABLE 0) and LeakSanitizer stops the world with ptrace.
 * Errors print to stderr, where the tests see them; the exit code of a
 * report is 99, which no hutch path uses. */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0:exitcode=99:abort_on_error=0";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:exitcode=99";
}
