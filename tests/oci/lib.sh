# SPDX-License-Identifier: MIT
# tests/oci/lib.sh: what the engine tests (70-podman.t, 80-containerd.t)
# share: the oracle comparison and TODO-marked TAP lines. Sourced after
# tests/lib/tap.sh.

# same DESC RUNC HUTCH [TODO REASON]: the outcome under runc (the oracle)
# and under hutch must be the same. With a reason, a known gap of hutch:
# TAP's "# TODO" (visible in prove's output, not counted as a failure;
# an unexpected pass shows as "TODO passed").
same() {
	if [ -z "${4-}" ]; then
		is "$3" "$2" "$1"
		return
	fi
	_tap_run=$((_tap_run + 1))
	if [ "$3" = "$2" ]; then
		printf 'ok %d - %s # TODO %s\n' "$_tap_run" "$1" "$4"
	else
		printf 'not ok %d - %s # TODO %s\n' "$_tap_run" "$1" "$4"
		diag "   runc: '$2'
  hutch: '$3'"
	fi
}

# one_line TEXT: TEXT on one line, a 64-hex container id as ID (they
# differ between the two runs), trailing blanks and CRs (a pty's) gone.
one_line() {
	printf '%s' "$1" | tr -d '\r' | sed 's/[0-9a-f]\{64\}/ID/g' | tr '\n' ' ' | sed 's/ *$//'
}

# oci_require CMD...: what every tests/oci file needs: root, the oci
# feature in this build, $HUTCH and $ROOTFS, and the commands named
# (require_cmd's CMD or CMD=PACKAGE)
oci_require() {
	require_root
	require_cmd "$@"
	require_feature oci
	[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
		bail_out "HUTCH must name the hutch binary (make check-oci sets it)"
	[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
		bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"
}
