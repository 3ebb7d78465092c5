#!/bin/sh
# The agent over every real package database of ../shared/corpus lists
# exactly what the distribution's own tool listed (CASES.tsv says how each
# expected list was made); rpm's gpg-pubkey entries are excluded.
. "$(dirname "$0")/lib.sh"
C=$SHARED/corpus/packages

if ! have_shared; then
	test_skip "package corpus: ../shared/corpus is absent"
	test_done
	exit
fi

for case_dir in "$C"/*/*/; do
	case_dir=${case_dir%/}
	name=${case_dir#"$C"/}
	test_expect_success "$name: same packages as the distribution tool" '
		agent --quiet --root "$case_dir/root" --state-dir st --output r.json &&
		validate_report r.json &&
		$PY "$TOP/tests/e2e/corpus_check.py" packages "$case_dir" r.json
	'
done

test_done
