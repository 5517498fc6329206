# SPDX-License-Identifier: MIT
SUMMARY = "Tiny static init and sandbox for one service on small Linux devices"
DESCRIPTION = "hutch runs one service in a small sandbox and keeps it running: \
new PID, mount, UTS and IPC namespaces, its own root file system, cgroup \
limits, restarts with a backoff, a clean stop on SIGTERM. One static binary."
SECTION = "admin"

LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=095bee223b0250a0377609b195fab42c"

# There is no public repository to fetch from yet: point HUTCH_GIT_URL at a
# clone, in local.conf or a .bbappend, e.g. a checkout on the build machine:
#   HUTCH_GIT_URL = "/home/me/src/hutch"
#   HUTCH_GIT_PROTOCOL = "file"
# Without it the recipe is skipped, with that message.
HUTCH_GIT_URL ??= ""
HUTCH_GIT_PROTOCOL ??= "https"
HUTCH_GIT_BRANCH ??= "main"
# The checkout goes to ${BP} (destsuffix), which is S by default in every
# release from Kirkstone on (${WORKDIR}/${BP}, later ${UNPACKDIR}/${BP}):
# no S to set, and none that a newer release's unpack directory breaks.
SRC_URI = "git://${HUTCH_GIT_URL};protocol=${HUTCH_GIT_PROTOCOL};branch=${HUTCH_GIT_BRANCH};destsuffix=${BP}"
SRCREV = "${AUTOREV}"
# The revision in the version, so that each new commit is a new package.
PV = "0.1.0+git${SRCPV}"

python () {
    if not d.getVar("HUTCH_GIT_URL"):
        raise bb.parse.SkipRecipe("set HUTCH_GIT_URL to a clone of hutch (meta-hutch/recipes-core/hutch/hutch_git.bb says how)")
}

# hutch is linked statically against musl (a static glibc binary is about
# ten times larger and its name lookups do not work): TCLIBC = "musl".
COMPATIBLE_HOST:libc-glibc = "null"
# The architectures hutch builds for (its make refuses microblaze and or1k,
# whose kernels have no seccomp filter, and x32).
COMPATIBLE_HOST = "(x86_64|i.86|aarch64|aarch64_be|arm|armeb|mips|mipsel|mips64|mips64el|powerpc|powerpc64|powerpc64le|riscv32|riscv64|s390x|loongarch64|m68k|sh4).*-linux-musl(eabi|eabihf|n32)?$"

inherit update-rc.d systemd

# CC, CFLAGS and LDFLAGS come from bitbake's environment, which hutch's
# Makefile honours (it adds -static, its warnings, 64 KiB alignment). It
# reads the target from ${CC} -dumpmachine; ARCH, BOARD and CROSS_COMPILE
# are emptied so that nothing else picks one.
# NOSTRIP=1: the binary is left for Yocto to strip, so that ${PN}-dbg gets
# its symbols.
EXTRA_OEMAKE = "ARCH= BOARD= CROSS_COMPILE= NOSTRIP=1"

do_install() {
	oe_runmake DESTDIR=${D} PREFIX=${prefix} install
	install -d ${D}${sysconfdir}/hutch
	if ${@bb.utils.contains('DISTRO_FEATURES', 'sysvinit', 'true', 'false', d)}; then
		install -D -m 0755 ${S}/init/sysvinit/hutch-web ${D}${sysconfdir}/init.d/hutch-web
	fi
	if ${@bb.utils.contains('DISTRO_FEATURES', 'systemd', 'true', 'false', d)}; then
		install -D -m 0644 ${S}/init/systemd/hutch-web.service \
			${D}${systemd_system_unitdir}/hutch-web.service
	fi
}

# The init script and the unit start the sandbox /etc/hutch/web.conf
# describes; neither does anything until that file is there (add it in a
# .bbappend or the image).
INITSCRIPT_NAME = "hutch-web"
INITSCRIPT_PARAMS = "defaults 95"
SYSTEMD_SERVICE:${PN} = "hutch-web.service"
SYSTEMD_AUTO_ENABLE = "disable"

# make install also puts the init-system examples (init/ of the source
# tree) in ${datadir}/hutch/examples: a package of their own.
PACKAGES =+ "${PN}-examples"
FILES:${PN}-examples = "${datadir}/hutch/examples"
