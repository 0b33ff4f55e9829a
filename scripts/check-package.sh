#!/usr/bin/env bash
# Builds the DEB package, checks its metadata and runs the packaged binary from an extracted copy.
set -euo pipefail
cd "$(dirname "$0")/.."
desktop-file-validate packaging/pairlens.desktop
appstreamcli validate --no-net packaging/io.pairlens.PairLens.metainfo.xml
(cd build && cpack -G DEB >/dev/null)
deb=$(ls build/pairlens_*.deb | head -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
for f in usr/bin/pairlens usr/lib/pairlens/pairlens-window usr/share/applications/pairlens.desktop usr/share/icons/hicolor/scalable/apps/pairlens.svg \
         usr/share/metainfo/io.pairlens.PairLens.metainfo.xml usr/share/man/man1/pairlens.1.gz \
         usr/share/bash-completion/completions/pairlens usr/share/doc/pairlens/copyright \
         usr/share/doc/pairlens/changelog.gz; do
    test -f "$tmp/root/$f" || { echo "package is missing $f"; exit 1; }
done
dpkg-deb -f "$deb" Depends | grep -q libqt6sql6-sqlite
# Debian's own checks: no lintian error, and the man page renders without a groff warning.
lint_status=0
lint=$(lintian --fail-on error "$deb" 2>&1) || lint_status=$?
grep -v "running with root privileges" <<<"$lint" || true
[ "$lint_status" -eq 0 ] || { echo "lintian reports errors in $(basename "$deb")"; exit 1; }
test -z "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$tmp/root/usr/share/man/man1/pairlens.1.gz" 2>&1 >/dev/null)"
bash -n "$tmp/root/usr/share/bash-completion/completions/pairlens"
"$tmp/root/usr/bin/pairlens" demo "$tmp/demo.pairlens" --pairs 50 >/dev/null
test "$("$tmp/root/usr/bin/pairlens" stats "$tmp/demo.pairlens" --json | grep -c '"total_pairs": 50')" = 1
# `pairlens chart` runs in the window program, which the packaged pairlens finds in ../lib/pairlens.
"$tmp/root/usr/bin/pairlens" chart "$tmp/demo.pairlens" --kind success -o "$tmp/chart.png" >/dev/null
test -s "$tmp/chart.png"
echo "package: $(basename "$deb") installs its files and runs"
