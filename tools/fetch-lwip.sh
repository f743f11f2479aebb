#!/bin/sh
# fetch-lwip.sh OUT: fetch lwIP (the TCP/IP stack the network server inet is
# built on) from Debian's `lwip` source package and unpack it into OUT.
#
# The machine's own apt sources (/etc/apt/sources.list.d/*.sources, deb822)
# are turned into a private deb-src list, and apt runs with a private state
# and cache under OUT.apt: the system's apt configuration is never changed.
# Nothing from lwIP is committed; the Makefile runs this once per clone.
set -e
out=$(realpath -m "$1")
want=2.1.3
apt="$out.apt"
sources_dir=/etc/apt/sources.list.d

fail() { echo "fetch-lwip: $*" >&2; exit 1; }

command -v dpkg-source > /dev/null || fail "dpkg-source missing (package dpkg-dev)"
ls "$sources_dir"/*.sources > /dev/null 2>&1 || fail "no deb822 apt sources in $sources_dir to derive deb-src from"
rm -rf "$apt" "$out"
mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/src"

# Every "Types: deb" stanza again as "Types: deb-src", same URIs, suites,
# components and keyring; other stanzas and comments are dropped.
awk 'BEGIN { RS = ""; ORS = "\n\n" }
     /(^|\n)Types:[^\n]*deb([ \t\n]|$)/ {
         out = ""
         n = split($0, line, "\n")
         for (i = 1; i <= n; i++) {
             if (line[i] ~ /^#/) continue
             if (line[i] ~ /^Types:/) line[i] = "Types: deb-src"
             out = out line[i] "\n"
         }
         print out
     }' "$sources_dir"/*.sources > "$apt/deb-src.sources"
[ -s "$apt/deb-src.sources" ] || fail "no 'Types: deb' stanza in $sources_dir/*.sources"

APT="apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts
	-o Dir::State=$apt/state -o Dir::Cache=$apt/cache -o Debug::NoLocking=1
	-o APT::Sandbox::User=root"
mkdir -p "$apt/parts"
mv "$apt/deb-src.sources" "$apt/parts/deb-src.sources"

echo "lwip: reading Debian's source index (log: $apt/update.log)"
# apt-get update succeeds even when no archive answered: look for an index.
$APT update > "$apt/update.log" 2>&1 && ls "$apt/state/lists/"*_Sources* > /dev/null 2>&1 \
	|| { grep -E '^(W|E|Err):' "$apt/update.log" | head -5 >&2
	     fail "cannot reach the Debian archive named in $sources_dir (no source index fetched)"; }
echo "lwip: downloading the source package"
(cd "$apt/src" && $APT source --download-only lwip > "$apt/source.log" 2>&1) \
	|| { tail -5 "$apt/source.log"; fail "cannot download the lwip source package"; }
dsc=$(ls "$apt/src"/lwip_*.dsc 2>/dev/null | head -1)
[ -n "$dsc" ] || fail "no lwip .dsc downloaded"
case "$(basename "$dsc")" in
	lwip_$want*) ;;
	*) fail "$(basename "$dsc") is not lwIP $want" ;;
esac
# apt checked the files against the signed index; no second signature check.
dpkg-source --no-check -x "$dsc" "$out" > "$apt/unpack.log" 2>&1 \
	|| { tail -5 "$apt/unpack.log"; fail "cannot unpack $dsc"; }
[ -f "$out/src/core/tcp.c" ] || fail "$out has no src/core/tcp.c"
echo "lwip: lwIP $want unpacked in $out"
