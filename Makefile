# Bulkhead: the whole build. `make run` boots the system in QEMU, `make test`
# runs every test, `make bench` prints the benchmark figures (see README.md).
#
# Everything goes under build/. newlib is built once per clone and cached in
# build/newlib; `make clean` keeps it, `make distclean` does not.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDEXPANSION:

B      := build
CROSS  := i686-linux-gnu-
CC     := $(CROSS)gcc
LD     := $(CROSS)ld
AR     := $(CROSS)ar
STRIP  := $(CROSS)strip --strip-debug
NASM   := nasm
HOSTCC := gcc
QEMU   := qemu-system-i386

# Quiet by default; `make V=1` shows every command.
ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-8s %s\n'
endif

DEPS_OK := $(B)/.deps-ok
NEWLIB  := $(B)/newlib/i686-elf
NEWLIB_OK := $(B)/newlib/.built

# Asked lazily: the cross compiler may not be installed yet when make starts.
GCC_INC = $(shell $(CC) -print-file-name=include)
LIBGCC  = $(shell $(CC) -print-libgcc-file-name)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
COMMON_CFLAGS = -march=i686 -ffreestanding -fno-pie -fno-stack-protector \
	-fno-strict-aliasing -fno-omit-frame-pointer -ffunction-sections -O2 -g -std=gnu11 $(WARN) \
	-MMD -MP -Iinclude -nostdinc
KERNEL_CFLAGS = $(COMMON_CFLAGS) -isystem $(GCC_INC) -mgeneral-regs-only
NOT_LINUX     := -U__linux__ -U__linux -U__gnu_linux__ -Ulinux
USER_CFLAGS   = $(COMMON_CFLAGS) $(NOT_LINUX) -isystem lib/posix/include -isystem $(NEWLIB)/include -isystem $(GCC_INC)
HOST_CFLAGS   := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude \
	-fsanitize=address,undefined -fno-sanitize-recover=all

# `make` builds the boot image, the host unit tests and policycheck: everything
# the README's commands use.
all: iso unit host-tools

# --- host packages and newlib -------------------------------------------------

$(DEPS_OK): tools/deps.sh
	@mkdir -p $(@D)
	@sh tools/deps.sh
	@touch $@

$(NEWLIB_OK): tools/build-newlib.sh | $(DEPS_OK)
	@sh tools/build-newlib.sh $(B)/newlib
	@touch $@

deps: $(DEPS_OK)
newlib: $(NEWLIB_OK)

# --- kernel -------------------------------------------------------------------

KERNEL_C   := $(wildcard kernel/*.c kernel/calls/*.c) lib/elf/elf.c
KERNEL_ASM := boot/multiboot.asm $(wildcard kernel/*.asm)
KERNEL_OBJ := $(KERNEL_C:%.c=$(B)/kobj/%.o) $(KERNEL_ASM:%.asm=$(B)/kobj/%.o)
KERNEL     := $(B)/kernel.elf

$(B)/kobj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(B)/kobj/%.o: %.asm | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) NASM $<
	$(Q)$(NASM) -f elf32 -g -F dwarf $< -o $@

# kernel/hot.ld and lib/hot.ld (tools/hotlist.py): the data path's functions, placed first.
$(KERNEL): $(KERNEL_OBJ) boot/kernel.ld kernel/hot.ld
	$(say) LD $@
	$(Q)$(LD) -m elf_i386 -z noexecstack -L kernel -T boot/kernel.ld -o $@ $(KERNEL_OBJ) $(LIBGCC)

kernel: $(KERNEL)

# --- user-space libraries -------------------------------------------------------

LIBBH_C   := $(wildcard lib/sys/*.c lib/posix/*.c lib/client/*.c lib/policy/*.c lib/bootfs/*.c lib/driver/*.c lib/netdriver/*.c lib/x86/*.c lib/text/*.c lib/server/*.c) lib/elf/elf.c
LIBBH     := $(B)/lib/libbulkhead.a
TESTLIB_C := $(wildcard tests/os/lib/*.c)
TESTLIB   := $(B)/lib/libtest.a
CRT0      := $(B)/uobj/lib/crt/crt0.o
USER_LIBS := $(LIBBH) $(TESTLIB) $(CRT0) lib/user.ld lib/hot.ld

$(B)/uobj/%.o: %.c | $(NEWLIB_OK)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(B)/uobj/%.o: %.asm | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) NASM $<
	$(Q)$(NASM) -f elf32 -g -F dwarf $< -o $@

$(LIBBH): $(LIBBH_C:%.c=$(B)/uobj/%.o)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(TESTLIB): $(TESTLIB_C:%.c=$(B)/uobj/%.o)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# --- lwIP, for the network server ------------------------------------------------
#
# Fetched from Debian's lwip source package once per clone (tools/fetch-lwip.sh)
# into $(B)/lwip, and built freestanding like a user program, with inet's
# lwipopts.h and port layer (servers/inet/port). Nothing from lwIP is committed.

LWIP      := $(B)/lwip
LWIP_OK   := $(LWIP)/.fetched
LWIP_C    := $(addprefix core/,def.c inet_chksum.c init.c ip.c mem.c memp.c netif.c pbuf.c \
	stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c raw.c) \
	$(addprefix core/ipv4/,dhcp.c etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) netif/ethernet.c
LWIP_LIB  := $(B)/lib/liblwip.a
LWIP_INC   = -Iservers/inet/port -isystem $(LWIP)/src/include
INET_OBJ  := $(patsubst %.c,$(B)/uobj/%.o,$(wildcard servers/inet/*.c))

$(LWIP_OK): tools/fetch-lwip.sh | $(DEPS_OK)
	@sh tools/fetch-lwip.sh $(LWIP)
	@touch $@

# (lwipopts.h and arch/cc.h are reached through lwIP's system headers, so -MMD never lists them)
LWIP_OPTS := servers/inet/port/lwipopts.h servers/inet/port/arch/cc.h

$(B)/lwipobj/%.o: $(LWIP_OK) $(LWIP_OPTS) | $(NEWLIB_OK)
	@mkdir -p $(@D)
	$(say) CC lwip/$*.c
	$(Q)$(CC) $(USER_CFLAGS) $(LWIP_INC) -c $(LWIP)/src/$*.c -o $@

# lwIP's objects depend on inet's options (not in their .d files: lwIP's headers are system headers here).
$(LWIP_C:%.c=$(B)/lwipobj/%.o): $(LWIP_OPTS)

$(LWIP_LIB): $(LWIP_C:%.c=$(B)/lwipobj/%.o)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(INET_OBJ): USER_CFLAGS += $(LWIP_INC)
$(INET_OBJ): $(LWIP_OPTS) | $(LWIP_OK)
LINK_EXTRA_inet := $(LWIP_LIB)

lwip: $(LWIP_LIB)

# link-program NAME, OBJECTS: a user program in $(B)/bin/NAME.elf
USER_LDLIBS = --start-group $(TESTLIB) $(LIBBH) $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group
define link-program
$(B)/bin/$(1).elf: $(2) $(USER_LIBS)
	@mkdir -p $$(@D)
	$$(say) LD $$@
	$$(Q)$$(LD) -m elf_i386 -z noexecstack -L lib -T lib/user.ld -o $$@ $(CRT0) $(2) $$(USER_LDLIBS)
PROGRAMS += $(B)/bin/$(1).elf
endef

# Programs: every servers/NAME/ and drivers/NAME/ directory, every
# commands/NAME.c and every tests/os/NAME.c.
SERVERS  := $(notdir $(wildcard servers/*))
DRIVERS  := $(notdir $(wildcard drivers/*))
COMMANDS := $(basename $(notdir $(wildcard commands/*.c)))
OS_TESTS := $(basename $(notdir $(wildcard tests/os/*.c)))
$(foreach s,$(SERVERS),$(eval $(call link-program,$(s),$(patsubst %.c,$(B)/uobj/%.o,$(wildcard servers/$(s)/*.c)) $(LINK_EXTRA_$(s)))))
$(foreach d,$(DRIVERS),$(eval $(call link-program,$(d),$(patsubst %.c,$(B)/uobj/%.o,$(wildcard drivers/$(d)/*.c)))))
$(foreach c,$(COMMANDS),$(eval $(call link-program,$(c),$(B)/uobj/commands/$(c).o)))
$(foreach t,$(OS_TESTS),$(eval $(call link-program,$(t),$(B)/uobj/tests/os/$(t).o)))

programs: $(PROGRAMS)

# --- boot file system ------------------------------------------------------
#
# The tree the bootfs server serves: commands in /bin (administration in
# /sbin), drivers in /drivers and the network server in /servers with their
# policies in /etc/drivers, /etc/rc,
# and the test programs and their files in /tests. Programs lose their debug
# information there (build/bin keeps it, for gdb).

FSROOT      := $(B)/fsroot
BOOTFS_IMG  := $(B)/bootfs.img
SBIN        := service dmesg shutdown reboot
NET_SERVERS := inet
FS_ETC      := $(wildcard boot/fs/etc/*)
POLICIES    := $(wildcard drivers/*/*.conf servers/*/*.conf)
TEST_FILES  := $(wildcard tests/os/fs/*)

$(BOOTFS_IMG): $(PROGRAMS) $(FS_ETC) $(POLICIES) $(TEST_FILES) tools/mkbootfs.py
	$(say) BOOTFS $@
	$(Q)rm -rf $(FSROOT)
	$(Q)mkdir -p $(FSROOT)/bin $(FSROOT)/sbin $(FSROOT)/drivers $(FSROOT)/servers $(FSROOT)/etc/drivers $(FSROOT)/tests
	$(Q)for s in $(NET_SERVERS); do $(STRIP) -o $(FSROOT)/servers/$$s $(B)/bin/$$s.elf; done
	$(Q)for c in $(COMMANDS); do $(STRIP) -o $(FSROOT)/bin/$$c $(B)/bin/$$c.elf; done
	$(Q)for c in $(SBIN); do mv $(FSROOT)/bin/$$c $(FSROOT)/sbin/$$c; done
	$(Q)for d in $(DRIVERS); do $(STRIP) -o $(FSROOT)/drivers/$$d $(B)/bin/$$d.elf; done
	$(Q)for t in $(OS_TESTS); do $(STRIP) -o $(FSROOT)/tests/$$t $(B)/bin/$$t.elf; done
	$(Q)for d in $(DRIVERS); do $(CROSS)nm $(B)/bin/$$d.elf > $(FSROOT)/tests/$$d.sym; done   # for t_inject
	$(Q)cp $(FS_ETC) $(FSROOT)/etc/
	$(Q)cp $(POLICIES) $(FSROOT)/etc/drivers/
	$(Q)cp -p $(TEST_FILES) $(FSROOT)/tests/
	$(Q)python3 tools/mkbootfs.py $(FSROOT) $@

# --- boot image ---------------------------------------------------------------

ISO      := $(B)/bulkhead.iso
ISO_ROOT := $(B)/iso
BOOT_CONFIGS := $(wildcard boot/configs/*.cfg)

# Deliberately broken modules, for the tests that the kernel and bootfs refuse them.
$(B)/bad/not-elf.elf: | $(DEPS_OK)
	@mkdir -p $(@D)
	$(Q)printf 'this is a text file, not a program\n' > $@
$(B)/bad/truncated.elf: $(B)/bin/t_hello.elf
	@mkdir -p $(@D)
	$(Q)head -c 200 $< > $@
$(B)/bad/wrong-machine.elf: $(B)/bin/t_hello.elf
	@mkdir -p $(@D)
	$(Q)python3 tools/patch-elf-machine.py $< $@ 62
$(B)/bad/truncated-archive.img: $(BOOTFS_IMG)
	@mkdir -p $(@D)
	$(Q)head -c 4096 $< > $@
BAD_MODULES := $(B)/bad/not-elf.elf $(B)/bad/truncated.elf $(B)/bad/wrong-machine.elf \
	$(B)/bad/truncated-archive.img

$(ISO): $(KERNEL) $(PROGRAMS) $(BOOTFS_IMG) $(BAD_MODULES) boot/grub.cfg $(BOOT_CONFIGS)
	$(say) ISO $@
	$(Q)rm -rf $(ISO_ROOT)
	$(Q)mkdir -p $(ISO_ROOT)/boot/grub/configs $(ISO_ROOT)/boot/bin $(ISO_ROOT)/boot/bad
	$(Q)cp $(KERNEL) $(ISO_ROOT)/boot/kernel.elf
	$(Q)cp $(PROGRAMS) $(ISO_ROOT)/boot/bin/
	$(Q)cp $(BOOTFS_IMG) $(ISO_ROOT)/boot/bootfs.img
	$(Q)cp $(BAD_MODULES) $(ISO_ROOT)/boot/bad/
	$(Q)cp boot/grub.cfg $(ISO_ROOT)/boot/grub/
	$(Q)cp $(BOOT_CONFIGS) $(ISO_ROOT)/boot/grub/configs/
	$(Q)grub-mkrescue -o $@ $(ISO_ROOT) > $(B)/grub-mkrescue.log 2>&1 || { cat $(B)/grub-mkrescue.log; exit 1; }

iso: $(ISO)

# The image for a PC: the same file boots as a CD and as a disk (a USB stick),
# on BIOS (GRUB's i386-pc) and UEFI (x86_64-efi and i386-efi). grub-mkrescue
# puts in every GRUB platform installed; tools/deps.sh installs these three.
image: $(ISO)
	@for p in i386-pc x86_64-efi i386-efi; do test -d /usr/lib/grub/$$p || \
		{ echo "image: GRUB's $$p platform is missing (tools/deps.sh)"; exit 1; }; done
	@echo "$(ISO): boots on BIOS and UEFI, from a CD or a USB stick (README.md: writing it to a stick)"

# The screen driver's font, from its one source (the tests read the screen with it too).
drivers/screen/font.c: tools/mkfont.py
	$(say) GEN $@
	$(Q)python3 tools/mkfont.py $@

# --- host unit tests ------------------------------------------------------------

POLICY_SRC := lib/policy/policy.c lib/policy/rules.c
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
# The code each unit test exercises, besides the test itself.
UNIT_SRC_test_pmem    := kernel/pmem.c
UNIT_SRC_test_elf     := lib/elf/elf.c
UNIT_SRC_test_format  := kernel/format.c
UNIT_SRC_test_message :=
UNIT_SRC_test_policy  := $(POLICY_SRC)
UNIT_SRC_test_archive := lib/bootfs/archive.c
UNIT_SRC_test_x86     := lib/x86/decode.c lib/x86/faults.c lib/x86/format.c
UNIT_SRC_test_text    := $(wildcard lib/text/*.c)
UNIT_SRC_test_server  := lib/server/server.c
UNIT_SRC_test_term    := drivers/screen/term.c
UNIT_SRC_test_keymap  := drivers/keyboard/keymap.c
UNIT_SRC_test_iomap   := kernel/iomap.c
UNIT_SRC_test_resend  := servers/inet/resend.c
$(B)/unit/test_resend: HOST_CFLAGS += -iquote servers/inet
UNIT_SRC_test_netbatch := lib/netdriver/batch.c
UNIT_SRC_test_quiet   := servers/inet/quiet.c
$(B)/unit/test_quiet: HOST_CFLAGS += -iquote servers/inet
UNIT_SRC_test_chksum  := lib/netdriver/chksum.c
UNIT_SRC_test_nettest := lib/netdriver/nettest.c
$(B)/unit/test_nettest: HOST_CFLAGS += -iquote lib/netdriver
UNIT_SRC_test_copy    := lib/posix/memcpy.c
UNIT_SRC_test_coalesce := servers/inet/coalesce.c lib/netdriver/chksum.c
$(B)/unit/test_coalesce: HOST_CFLAGS += -iquote servers/inet
UNIT_SRC_test_txring  := servers/inet/txring.c lib/netdriver/batch.c
$(B)/unit/test_txring: HOST_CFLAGS += -iquote servers/inet

$(B)/unit/%: tests/unit/%.c $$(UNIT_SRC_$$*) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) HOSTCC $@
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -iquote kernel -o $@ $^ -lcmocka

unit: $(UNIT_TESTS:%=$(B)/unit/%)

# test_x86 holds the x86 decoder against objdump on every instruction of
# every program and the kernel: the vectors are made from the build.
X86_VECTORS := $(B)/x86/vectors.txt
$(X86_VECTORS): tools/x86vectors.py $(PROGRAMS) $(KERNEL)
	@mkdir -p $(@D)
	$(say) VECTORS $@
	$(Q)python3 tools/x86vectors.py -o $@ $(PROGRAMS) $(KERNEL)
$(B)/unit/test_x86: HOST_CFLAGS += -DX86_VECTORS='"$(abspath $(X86_VECTORS))"'
unit: $(X86_VECTORS)

# --- host tools and fuzz targets ---------------------------------------------------

$(B)/tools/policycheck: tools/policycheck.c $(POLICY_SRC) include/bulkhead/policy.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) HOSTCC $@
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tools/policycheck.c $(POLICY_SRC)

# QEMU plugin counting guest instructions (tools/abcompare_tcp.py --insns).
INSNCOUNT := $(B)/tools/libinsncount.so
$(INSNCOUNT): tools/insncount.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) HOSTCC $@
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

# libFuzzer (clang) with AddressSanitizer, whose leak checker runs too.
$(B)/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c $(POLICY_SRC) include/bulkhead/policy.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) CLANG $@
	$(Q)clang -std=gnu11 -g -O1 -Iinclude -fsanitize=fuzzer,address,undefined -o $@ \
		tests/fuzz/fuzz_policy.c $(POLICY_SRC)

host-tools: $(B)/tools/policycheck $(B)/fuzz/fuzz_policy $(INSNCOUNT)

# --- the Linux guest that `make bench-linux` measures Bulkhead against --------------
#
# Debian's i386 kernel and busybox-static, fetched with `apt-get download` and
# unpacked (never installed) into $(B)/linux by tools/fetch-linux.sh, once per
# clone; the guest's programs (tools/linux-guest, and Bulkhead's own echod and
# bulkd, built against glibc) static for i386; tools/mkinitramfs.py packs them.

LINUX        := $(B)/linux
LINUX_OK     := $(LINUX)/.fetched
LINUX_GUEST  := $(B)/linux-guest
LINUX_PROGS  := $(LINUX_GUEST)/rawclient $(LINUX_GUEST)/echod $(LINUX_GUEST)/bulkd
LINUX_INITRD := $(LINUX)/initramfs.gz

$(LINUX_OK): tools/fetch-linux.sh | $(DEPS_OK)
	@sh tools/fetch-linux.sh $(LINUX)
	@touch $@

$(LINUX_GUEST)/rawclient: tools/linux-guest/rawclient.c
$(LINUX_GUEST)/echod: commands/echod.c
$(LINUX_GUEST)/bulkd: commands/bulkd.c
$(LINUX_PROGS): | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) CC-LINUX $@
	$(Q)$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<

$(LINUX_INITRD): $(LINUX_OK) $(LINUX_PROGS) tools/mkinitramfs.py tools/linux-guest/init
	$(say) INITRD $@
	$(Q)python3 tools/mkinitramfs.py $(LINUX) $@ $(LINUX_PROGS) > $(LINUX_GUEST)/mkinitramfs.log

linux-guest: $(LINUX_INITRD)

# --- running --------------------------------------------------------------------

# A NIC (make run NIC=rtl8139|e1000|e100; /etc/rc starts whichever
# driver finds its device) on QEMU's user networking, restricted: nothing
# leaves the host. q35 with its IOMMU (VT-d; before the NIC), so DMA is
# confined (README, "DMA and the IOMMU").
NIC ?= rtl8139
NIC_DEVICE_rtl8139 := rtl8139
NIC_DEVICE_e1000   := e1000
NIC_DEVICE_e100    := i82557b
NIC_DEVICE = $(or $(NIC_DEVICE_$(NIC)),$(error NIC=$(NIC): choose rtl8139, e1000 or e100))
QEMU_RUN = $(QEMU) -machine q35 -m 128M -cdrom $(ISO) -display none -serial mon:stdio -no-reboot \
	-smbios type=1,family=default -device intel-iommu,intremap=off \
	-netdev user,id=n0,restrict=on -device $(NIC_DEVICE),netdev=n0,romfile=

run: $(ISO)
	@echo "Booting Bulkhead in QEMU (TCG). Quit with Ctrl-A then X."
	$(QEMU_RUN)

debug: $(ISO)
	@echo "QEMU is waiting for gdb on 127.0.0.1:1234 (this machine only). In another terminal:"
	@echo "    gdb -x tools/gdbinit"
	$(QEMU_RUN) -gdb tcp:127.0.0.1:1234 -S

test: all unit host-tools
	@python3 tests/run.py

bench: all linux-guest
	@python3 tools/bench.py

# Only the side by side with Linux (raw frames, then UDP and TCP): tools/bench.py --help.
bench-linux: all linux-guest
	@python3 tools/bench.py --linux-only

# A reduced fault-injection campaign: every NIC configuration, every fault
# type, a few trials each; resumable, its report in build/swifi/report/.
# Two trials each (80) keep it under 10 minutes with the TCP+UDP workload,
# which runs about 11 trials a minute with two QEMUs on this 2-core machine.
SWIFI_ARGS ?= --trials 2 --jobs 2
swifi: all
	@python3 tools/swifi.py $(SWIFI_ARGS) --out $(B)/swifi/campaign.jsonl --report $(B)/swifi/report

count:
	@cloc --quiet kernel

clean:
	rm -rf $(B)/kobj $(B)/uobj $(B)/lwipobj $(B)/linux-guest $(LINUX_INITRD) $(B)/lib $(B)/bin $(B)/bad $(B)/unit $(B)/x86 $(B)/tools $(B)/fuzz $(FSROOT) $(BOOTFS_IMG) \
		$(ISO_ROOT) $(ISO) $(KERNEL)

distclean:
	rm -rf $(B)

.PHONY: all deps newlib lwip linux-guest kernel programs iso image unit host-tools run debug test bench bench-linux swifi count clean distclean

-include $(shell find $(B)/kobj $(B)/uobj $(B)/lwipobj -name '*.d' 2>/dev/null)
