#!/bin/sh
# The agent over every real os-release root of ../shared/corpus: ID,
# VERSION_ID and PRETTY_NAME equal the corpus' EXPECTED.csv, roots without
# os-release report their legacy release files, every report validates.
. "$(dirname "$0")/lib.sh"
C=$SHARED/corpus/os-release

if ! have_shared; then
	test_skip "os-release corpus: ../shared/corpus is absent"
	test_done
	exit
fi

# The corpus was stored without symbolic links: a link such as
# etc/os-release -> ../usr/lib/os-release is a text file holding its target.
# Roots that have such files are copied and their links restored, so that the
# agent sees the layout the real system had.
test_expect_success 'the agent reports every corpus root' '
	mkdir reports fixed &&
	n=0 r=0 &&
	for d in "$C"/roots/*/; do
		name=$(basename "$d")
		if $PY "$TOP/tests/e2e/corpus_check.py" needs-repair "$d"; then
			$PY "$TOP/tests/e2e/corpus_check.py" repair "$d" "fixed/$name" >/dev/null
			d=fixed/$name
			r=$((r + 1))
		fi
		agent --quiet --root "$d" --state-dir st --output "reports/$name.json" ||
			{ echo "agent failed on $name"; exit 1; }
		n=$((n + 1))
	done &&
	echo "$n roots, $r with stored links restored" &&
	test "$n" -ge 300
'

test_expect_success 'ID, VERSION_ID, PRETTY_NAME and release files equal EXPECTED.csv' '
	$PY "$TOP/tests/e2e/corpus_check.py" osrelease "$C/EXPECTED.csv" reports
'

test_expect_success 'every corpus report validates against the GLPI schema' '
	validate_report reports/*.json
'

test_done
