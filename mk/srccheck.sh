#!/bin/sh
# mk/srccheck.sh 'GLOB...' FILE... - run by `make srccheck`: every file the
# globs match is named exactly once among FILE... (the lists of
# mk/sources.mk), and every FILE exists. Prints each problem and fails.
set -u
globs=$1
shift
bad=0
listed=$(printf '%s\n' "$@" | sort)
for f in $(printf '%s\n' "$listed" | uniq -d); do
	echo "mk/sources.mk: $f is named more than once" >&2
	bad=1
done
for f in $globs; do
	[ -e "$f" ] || continue
	printf '%s\n' "$listed" | grep -qxF "$f" && continue
	echo "mk/sources.mk: $f is in no list: add it to the list of the targets that build it" >&2
	bad=1
done
for f in $(printf '%s\n' "$listed" | uniq); do
	[ -e "$f" ] && continue
	echo "mk/sources.mk: $f is listed but does not exist" >&2
	bad=1
done
exit $bad
