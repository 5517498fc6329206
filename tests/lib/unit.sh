# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# tests/lib/unit.sh: read a systemd unit file the way the tests need it.
#
#   unit_get FILE SECTION KEY    the value of KEY= in [SECTION] (the last
#                                one, as systemd takes it for most keys)
#   unit_shell_script FILE UNIT  the script of ExecStart=/bin/sh -c '...',
#                                with the specifiers systemd would expand for
#                                UNIT (%n the unit's name, %N without the
#                                suffix); fails (status 1, a line on
#                                stderr) on anything this reader does not
#                                know: another specifier, a $ (systemd's
#                                variable expansion), a backslash, a quote
#                                inside the script, more than one command.

unit_get() {
	awk -v sect="[$2]" -v key="$3" '
		/^\[/ { in_sect = ($0 == sect) }
		in_sect && index($0, key "=") == 1 { v = substr($0, length(key) + 2) }
		END { print v }' "$1"
}

unit_shell_script() {
	_us_line=$(unit_get "$1" Service ExecStart)
	case $_us_line in
	"/bin/sh -c '"*"'") ;;
	*)
		echo "unit_shell_script: ExecStart is not /bin/sh -c '...': $_us_line" >&2
		return 1
		;;
	esac
	_us_s=${_us_line#"/bin/sh -c '"}
	_us_s=${_us_s%"'"}
	case $_us_s in
	*"'"* | *'"'* | *\\* | *'$'*)
		echo "unit_shell_script: quotes, backslashes or \$ in the script: not read here" >&2
		return 1
		;;
	esac
	case $_us_s in
	*%%*)
		echo "unit_shell_script: %% in the script: not read here" >&2
		return 1
		;;
	esac
	_us_s=$(printf '%s\n' "$_us_s" | sed -e "s/%n/$2/g" -e "s/%N/${2%.*}/g")
	case $_us_s in
	*%*)
		echo "unit_shell_script: a specifier this reader does not expand: $_us_s" >&2
		return 1
		;;
	esac
	printf '%s\n' "$_us_s"
}
