#!/bin/sh
# build-newlib.sh OUT: build newlib (the user-space C library) from Debian's
# newlib-source with the i686 cross compiler, and install it under OUT.
# Only newlib's libraries are built (libc, and libm, which libc takes
# ldexp, frexp and modf from), not libgloss or the documentation, on every
# core. It takes about 50 s on two idle cores and ten minutes or more on
# a loaded machine, so it prints how far it has got every PROGRESS_S seconds;
# the Makefile runs it once per clone.
#
# The cross compiler predefines __linux__, which newlib's headers take as
# "Linux": large-file stdio it does not build for this target. We are not
# Linux, so the Linux macros are undefined here and for user programs.
set -e
out=$(realpath -m "$1")
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
work="$out.work"
NOT_LINUX="-U__linux__ -U__linux -U__gnu_linux__ -Ulinux"
PROGRESS_S=20
OBJECTS=1400          # about how many objects newlib 3.3 compiles for this target (libc and libm)

[ -f "$tarball" ] || { echo "build-newlib: $tarball missing (package newlib-source)" >&2; exit 1; }
rm -rf "$work" "$out"
mkdir -p "$work/src" "$work/build"
tar -xf "$tarball" -C "$work/src" --strip-components=1

cd "$work/build"
echo "newlib: configuring (log: $work/build/configure.log)"
"$work/src/configure" --target=i686-elf --prefix="$out" \
	--disable-multilib --disable-newlib-supplied-syscalls --disable-nls \
	--enable-newlib-io-long-long \
	CC_FOR_TARGET="i686-linux-gnu-gcc -ffreestanding -fno-pie -fno-stack-protector $NOT_LINUX" \
	AR_FOR_TARGET=i686-linux-gnu-ar AS_FOR_TARGET=i686-linux-gnu-as \
	LD_FOR_TARGET=i686-linux-gnu-ld NM_FOR_TARGET=i686-linux-gnu-nm \
	RANLIB_FOR_TARGET=i686-linux-gnu-ranlib > configure.log 2>&1 \
	|| { tail -20 configure.log; exit 1; }
echo "newlib: building on $(nproc) cores (log: $work/build/make.log)"
start=$(date +%s)
make -j"$(nproc)" all-target-newlib > make.log 2>&1 &
builder=$!
next=$((start + PROGRESS_S))
while kill -0 "$builder" 2>/dev/null; do
	sleep 1
	now=$(date +%s)
	if [ "$now" -ge "$next" ]; then
		# the first minute or so configures libc and libm: no objects yet
		echo "newlib: $(find . -name '*.o' | wc -l) of about $OBJECTS objects compiled after $((now - start)) s"
		next=$((now + PROGRESS_S))
	fi
done
wait "$builder" || { tail -30 make.log; exit 1; }
echo "newlib: built in $(( $(date +%s) - start )) s"
make install-target-newlib > install.log 2>&1 || { tail -20 install.log; exit 1; }
rm -rf "$work"
echo "newlib: installed in $out"
