#!/bin/sh
# deps.sh: make sure the Debian packages the build and the tests need are
# installed. As root it installs what is missing; otherwise it prints the
# exact apt-get line and fails.
set -e

PACKAGES="make gcc libc6-dev gcc-i686-linux-gnu binutils-i686-linux-gnu nasm \
grub-pc-bin grub-efi-amd64-bin grub-efi-ia32-bin grub-common xorriso mtools qemu-system-x86 python3 \
libcmocka-dev cloc newlib-source xz-utils clang libclang-rt-14-dev dpkg-dev \
ovmf ovmf-ia32 python3-matplotlib gdb"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing
else
	echo "deps: these Debian packages are missing. Install them with:" >&2
	echo "    sudo apt-get install$missing" >&2
	exit 1
fi
