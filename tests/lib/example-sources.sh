# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# example-sources.sh: what a board would hold at the bind sources of its
# example configs (board/*/*.conf), with the owners the configs' comments
# ask for. Shared by tests/integration/69-examples.t (the build machine)
# and the QEMU guests' examples scenario (tests/qemu/guest/examples.sh,
# carried into the initramfs as /tests/example-sources.sh): POSIX sh, for
# BusyBox too.

# example_sources SRC NAME ID: fills SRC for the example named NAME (its
# config's name =), pages saying "page of ID"; 1 for a NAME it does not
# know.
example_sources() {
	ex_src=$1
	case $2 in
	web | httpd)
		mkdir -p "$ex_src/srv/web/htdocs" "$ex_src/www/status"
		echo "page of $3" >"$ex_src/srv/web/htdocs/index.html"
		echo "page of $3" >"$ex_src/www/status/index.html"
		;;
	cron)
		mkdir -p "$ex_src/srv/cron/crontabs" "$ex_src/srv/cron/log"
		# shellcheck disable=SC2016 # the job's shell expands it
		echo '* * * * * echo "job ran as $(id -un)" >>/var/log/ran' \
			>"$ex_src/srv/cron/crontabs/root"
		# shellcheck disable=SC2016
		echo '* * * * * echo "job ran as $(id -un)" >>/var/log/ran-service' \
			>"$ex_src/srv/cron/crontabs/service"
		chmod 1777 "$ex_src/srv/cron/log" # for the service user's job
		;;
	ntp)
		mkdir -p "$ex_src/etc" && echo 'nameserver 127.0.0.1' >"$ex_src/etc/resolv.conf"
		;;
	temp-log)
		mkdir -p "$ex_src/sys/class/thermal/thermal_zone0" "$ex_src/srv/temp-log/data"
		echo 42000 >"$ex_src/sys/class/thermal/thermal_zone0/temp"
		chown 1000:1000 "$ex_src/srv/temp-log/data" # as the config's comment says
		;;
	dhcp)
		mkdir -p "$ex_src/etc" "$ex_src/srv/dhcp/leases"
		printf '%s\n' 'interface lo' 'start 127.0.0.100' 'end 127.0.0.110' \
			>"$ex_src/etc/udhcpd.conf"
		;;
	hello) ;;
	*) return 1 ;;
	esac
}
