#!/bin/sh
# The readiness facts (docs/protocol.md, "Readiness facts"): the real agent
# over each fixture root of tests/fixtures/hw reports every fact as a value,
# absent (said by a value) or unknown with its reason, in the GLPI field or
# content.fleetcensus.hw, and the report stays valid against the GLPI schema.
. "$(dirname "$0")/lib.sh"
HW=$FIXTURES/hw
X=.content.fleetcensus

run_root() {
	agent --root "$HW/$1" --state-dir "st-$1" --output "$1.json" &&
	if have_shared; then validate_report "$1.json"; else jq -e . "$1.json" >/dev/null; fi
}

# fact NAME FILE: the value of content.fleetcensus.hw.NAME
hw() { jqr "$X.hw.$1" "$2"; }
why() { jqr "$X.hw_unknown.$1" "$2"; }
cpu() { jqr ".content.cpus[0].$1" "$2"; }

test_expect_success 'Intel 6/142/9 with platform ID 0x10: UEFI, Secure Boot on, TPM 2.0' '
	r=intel-6-142-9-pf10 && run_root $r &&
	test "$(cpu manufacturer $r.json)" = GenuineIntel &&
	test "$(cpu familynumber $r.json)" = 6 &&
	test "$(cpu model $r.json)" = 142 &&
	test "$(cpu stepping $r.json)" = 9 &&
	test "$(cpu name $r.json)" = "Intel(R) Core(TM) i5-8200Y CPU @ 1.30GHz" &&
	test "$(cpu core $r.json)" = 2 &&
	test "$(cpu speed $r.json)" = 3900 &&
	test "$(hw cpu_logical $r.json)" = 4 &&
	test "$(hw cpu_platform_flags $r.json)" = 16 &&
	test "$(hw cpu_sse42 $r.json)" = true &&
	test "$(hw cpu_popcnt $r.json)" = true &&
	test "$(hw firmware $r.json)" = uefi &&
	test "$(hw secure_boot_capable $r.json)" = true &&
	test "$(hw secure_boot_setup_mode $r.json)" = false &&
	test "$(jqr .content.bios.secure_boot $r.json)" = enabled &&
	test "$(hw tpm_present $r.json)" = true &&
	test "$(hw tpm_version $r.json)" = 2.0 &&
	test "$(hw memory_installed_mib $r.json)" = 16384 &&
	test "$(jqr .content.hardware.memory $r.json)" = 15820 &&
	test "$(jqr .content.hardware.chassis_type $r.json)" = 10 &&
	test "$(jqr .content.bios.bdate $r.json)" = 2021-05-21 &&
	test "$(jqr .content.bios.bversion $r.json)" = "N1QET98W (1.73 )" &&
	test "$(hw system_volume_mib $r.json)" -gt 0 &&
	test "$(why os_bits $r.json)" = "not known below --root" &&
	test "$(jqr "$X.hw_unknown | keys" $r.json)" = "[\"os_bits\"]"
'

test_expect_success 'the same signature without platform ID 0x10, Secure Boot off' '
	r=intel-6-142-9-pf80 && run_root $r &&
	test "$(cpu model $r.json)" = 142 &&
	test "$(cpu stepping $r.json)" = 9 &&
	test "$(hw cpu_platform_flags $r.json)" = 128 &&
	test "$(hw secure_boot_capable $r.json)" = true &&
	test "$(jqr .content.bios.secure_boot $r.json)" = disabled
'

test_expect_success 'AMD 23/1 (real cpuinfo, Launchpad bug 1722074): no /sys, unknown with reasons' '
	r=ryzen-1700x-lp1722074 && run_root $r &&
	test "$(cpu manufacturer $r.json)" = AuthenticAMD &&
	test "$(cpu familynumber $r.json)" = 23 &&
	test "$(cpu model $r.json)" = 1 &&
	test "$(cpu stepping $r.json)" = 1 &&
	test "$(cpu speed $r.json)" = 2200 &&
	test "$(hw cpu_sse42 $r.json)" = true &&
	test "$(hw firmware $r.json)" = null &&
	test "$(why firmware $r.json)" = "no /sys/firmware" &&
	test "$(why tpm_present $r.json)" = "no /sys/class" &&
	test "$(why smbios_vendor $r.json)" = "no /sys/class/dmi/id" &&
	test "$(why memory_installed_mib $r.json)" = "cannot read '"'"'/sys/firmware/dmi/tables/DMI'"'"': No such file or directory"
'

test_expect_success 'AMD 23/17: BIOS boot, TPM 1.2 from device/caps, BIOS date MM/DD/YY' '
	r=amd-23-17-bios-tpm12 && run_root $r &&
	test "$(cpu familynumber $r.json)" = 23 &&
	test "$(cpu model $r.json)" = 17 &&
	test "$(hw firmware $r.json)" = bios &&
	test "$(hw secure_boot_capable $r.json)" = false &&
	test "$(jqr .content.bios.secure_boot $r.json)" = unsupported &&
	test "$(why secure_boot_setup_mode $r.json)" = "BIOS boot: no Secure Boot" &&
	test "$(hw tpm_present $r.json)" = true &&
	test "$(hw tpm_version $r.json)" = 1.2 &&
	test "$(jqr .content.bios.bdate $r.json)" = 2019-10-31
'

test_expect_success 'AMD 23/113: UEFI in setup mode, no TPM, empty slots not counted' '
	r=amd-23-113-setupmode && run_root $r &&
	test "$(cpu model $r.json)" = 113 &&
	test "$(cpu core $r.json)" = 8 &&
	test "$(hw cpu_logical $r.json)" = 16 &&
	test "$(hw secure_boot_setup_mode $r.json)" = true &&
	test "$(jqr .content.bios.secure_boot $r.json)" = disabled &&
	test "$(hw tpm_present $r.json)" = false &&
	test "$(hw tpm_version $r.json)" = null &&
	test "$(hw memory_installed_mib $r.json)" = 32768
'

test_expect_success 'Core 2 without SSE4.2 and POPCNT, BIOS, no TPM, 2 GiB' '
	r=core2-bios-notpm-2g && run_root $r &&
	test "$(cpu model $r.json)" = 15 &&
	test "$(hw cpu_sse42 $r.json)" = false &&
	test "$(hw cpu_popcnt $r.json)" = false &&
	test "$(hw firmware $r.json)" = bios &&
	test "$(hw tpm_present $r.json)" = false &&
	test "$(hw memory_installed_mib $r.json)" = 2048 &&
	test "$(jqr .content.hardware.memory $r.json)" = 1984
'

test_expect_success 'Xeon W-2155 (real cpuinfo of a sosreport): model 85, one core of two threads' '
	r=xeon-w2155-sosreport && run_root $r &&
	test "$(cpu model $r.json)" = 85 &&
	test "$(cpu stepping $r.json)" = 4 &&
	test "$(cpu core $r.json)" = 1 &&
	test "$(hw cpu_logical $r.json)" = 2 &&
	test "$(cpu speed $r.json)" = 3311
'

test_expect_success 'malformed files: unknown with the reason, never a value guessed' '
	r=bad-input && run_root $r &&
	test "$(cpu familynumber $r.json)" = null &&
	test "$(why cpu_family $r.json)" = "/proc/cpuinfo: '"'"'six'"'"' is not a number" &&
	test "$(hw cpu_platform_flags $r.json)" = null &&
	test "$(why cpu_platform_flags $r.json)" = "'"'"'zz'"'"' is not a number" &&
	test "$(jqr .content.bios.secure_boot $r.json)" = null &&
	why secure_boot_enabled $r.json | grep -q "3 bytes" &&
	why secure_boot_setup_mode $r.json | grep -q "neither 0 nor 1" &&
	test "$(hw tpm_present $r.json)" = true &&
	test "$(why tpm_version $r.json)" = "tpm_version_major is '"'"'7'"'"'" &&
	why memory_installed_mib $r.json | grep -q "bad length" &&
	test "$(jqr .content.bios.bdate $r.json)" = null &&
	why bios_date $r.json | grep -q "2020-13-45" &&
	test "$(jqr .content.hardware.memory $r.json)" = null &&
	test "$(why memory_usable_mib $r.json)" = "no MemTotal in /proc/meminfo"
'

test_expect_success 'the running system: os_bits from uname, every fact a value or a reason' '
	agent --state-dir st-live --output live.json &&
	case $(uname -m) in
	x86_64|aarch64) test "$(hw os_bits live.json)" = 64 ;;
	*) : ;;
	esac &&
	jqr "$X.hw_unknown | to_entries[] | select((.value | length) == 0 or (.value | length) > 200)" live.json >bad &&
	test ! -s bad
'

test_done
