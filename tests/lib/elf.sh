# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/lib/elf.sh: for tests that run the hutch binary under test INSIDE a
# root file system of their own (the CVE-2019-5736 tests: an image's
# `#!/proc/self/exe` runs the entering hutch there). The release build is
# static and runs anywhere; the sanitizer build (make check-sanitize) is
# linked dynamically against glibc's ASan and UBSan, and inside a root
# without its loader and libraries its exec fails with ENOENT: the test
# would then see no attack at all and pass or fail for the wrong reason.
#
#   copy_runtime_libs BINARY ROOT   copies BINARY's ELF interpreter and the
#                                   shared libraries ldd names into ROOT at
#                                   the same paths (nothing for a static
#                                   binary); fails if one cannot be copied
copy_runtime_libs() {
	local bin=$1 root=$2 lib
	readelf -l "$bin" 2>/dev/null | grep -q 'program interpreter' || return 0
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return 1
	done
}
