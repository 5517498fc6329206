/* SPDX-License-Identifier: MIT */
/* seccomp_numbers.h - the rows of a table of system call numbers, one per
 * ABI this build filters (seccomp_abi.h: the native ABI first, then each
 * compat ABI), each the column of that ABI in every S(name, numbers...)
 * line of the generated table SECCOMP_TABLE names. Not a header of its
 * own: the body of an array, included where the array is defined,
 *
 *	static const uint16_t numbers[N_ABIS][N] = {
 *	#define SECCOMP_TABLE "seccomp_table.h"
 *	#include "seccomp_numbers.h"
 *	};
 *
 * so numbers[abi][SC_name] is name's number on that ABI (NO: none), with
 * SC_name the same table's S() enum. seccomp.c (hutch's own list, in a
 * build without hutch oci) and seccomp_oci.c (every name) use it. */
#define S(name, ...) SECCOMP_COLUMN(__VA_ARGS__),
#define SECCOMP_COLUMN NATIVE
	{
#include SECCOMP_TABLE
	},
#ifdef ARCH_COMPAT1
#undef SECCOMP_COLUMN
#define SECCOMP_COLUMN COMPAT1
	{
#include SECCOMP_TABLE
	},
#endif
#ifdef ARCH_COMPAT2
#undef SECCOMP_COLUMN
#define SECCOMP_COLUMN COMPAT2
	{
#include SECCOMP_TABLE
	},
#endif
#undef SECCOMP_COLUMN
#undef S
#undef SECCOMP_TABLE
