#!/bin/sh
# fetch-linux.sh OUT: fetch the Linux guest that `make bench-linux` measures
# Bulkhead against: Debian's i386 kernel (the package the linux-image-686
# metapackage names, a linux-image-6.1.*-686) and busybox-static, with
# `apt-get download`, and unpack them with `dpkg-deb -x` into OUT (nothing is
# installed on the host). OUT/vmlinuz is the kernel, OUT/kernel/ and
# OUT/busybox/ the unpacked packages (tools/mkinitramfs.py takes it from there).
#
# Like tools/fetch-lwip.sh: the machine's own apt sources (deb822, in
# /etc/apt/sources.list.d) are copied into a private list for i386, and apt
# runs with a private state and cache under OUT.apt: the system's apt
# configuration is never changed. Idempotent: a complete OUT is left alone.
set -e
out=$(realpath -m "$1")
apt="$out.apt"
sources_dir=/etc/apt/sources.list.d

fail() { echo "fetch-linux: $*" >&2; exit 1; }

if [ -f "$out/.fetched" ] && [ -f "$out/vmlinuz" ] && [ -x "$out/busybox/bin/busybox" ]; then
	exit 0
fi
command -v dpkg-deb > /dev/null || fail "dpkg-deb missing (package dpkg)"
ls "$sources_dir"/*.sources > /dev/null 2>&1 || fail "no deb822 apt sources in $sources_dir"
rm -rf "$apt" "$out"
mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/debs"

# Every "Types: deb" stanza, as it is, restricted to i386; other stanzas and comments dropped.
awk 'BEGIN { RS = ""; ORS = "\n\n" }
     /(^|\n)Types:[^\n]*deb([ \t\n]|$)/ {
         out = ""
         n = split($0, line, "\n")
         for (i = 1; i <= n; i++) {
             if (line[i] ~ /^#/ || line[i] ~ /^Architectures:/) continue
             if (line[i] ~ /^Types:/) line[i] = "Types: deb"
             out = out line[i] "\n"
         }
         print out "Architectures: i386\n"
     }' "$sources_dir"/*.sources > "$apt/parts/i386.sources"
[ -s "$apt/parts/i386.sources" ] || fail "no 'Types: deb' stanza in $sources_dir/*.sources"

APT_OPTS="-q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts
	-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=$apt/parts
	-o Dir::State=$apt/state -o Dir::Cache=$apt/cache -o Debug::NoLocking=1
	-o APT::Architecture=i386 -o APT::Architectures::=i386 -o APT::Sandbox::User=root"

echo "linux: reading Debian's i386 package index (log: $apt/update.log)"
# apt-get update fails when one archive (say, security mid-sync) does not
# answer, and succeeds when none did: what counts is an index to read.
apt-get $APT_OPTS update > "$apt/update.log" 2>&1 \
	|| echo "linux: some indexes failed (see the log); going on with those fetched" >&2
ls "$apt/state/lists/"*_Packages* > /dev/null 2>&1 \
	|| { grep -E '^(W|E|Err):' "$apt/update.log" | head -5 >&2
	     fail "cannot reach the Debian archive named in $sources_dir (no package index fetched)"; }

# The metapackage depends on exactly one real kernel package.
image=$(apt-cache $APT_OPTS depends linux-image-686 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-686\)$/\1/p' | head -1)
[ -n "$image" ] || fail "linux-image-686 does not depend on a linux-image-6.1.*-686 package"
echo "linux: downloading $image and busybox-static (i386)"
(cd "$apt/debs" && apt-get $APT_OPTS download "$image" busybox-static > "$apt/download.log" 2>&1) \
	|| { tail -5 "$apt/download.log" >&2; fail "cannot download $image busybox-static"; }

mkdir -p "$out"
dpkg-deb -x "$apt/debs/${image}_"*.deb "$out/kernel" || fail "cannot unpack $image"
dpkg-deb -x "$apt/debs/busybox-static_"*.deb "$out/busybox" || fail "cannot unpack busybox-static"
vmlinuz=$(ls "$out/kernel/boot/"vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || fail "$image has no /boot/vmlinuz-*"
cp "$vmlinuz" "$out/vmlinuz"
[ -x "$out/busybox/bin/busybox" ] || fail "busybox-static has no /bin/busybox"
echo "$image" > "$out/package"
touch "$out/.fetched"
echo "linux: $image unpacked in $out (kernel $out/vmlinuz)"
