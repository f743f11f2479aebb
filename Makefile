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
	-fno-strict-aliasing -fno-omit-frame-pointer -O2 -g -std=gnu11 $(WARN) \
	-MMD -MP -Iinclude -nostdinc
KERNEL_CFLAGS = $(COMMON_CFLAGS) -isystem $(GCC_INC) -mgeneral-regs-only
NOT_LINUX     := -U__linux__ -U__linux -U__gnu_linux__ -Ulinux
USER_CFLAGS   = $(COMMON_CFLAGS) $(NOT_LINUX) -isystem $(NEWLIB)/include -isystem $(GCC_INC)
HOST_CFLAGS   := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude \
	-fsanitize=address,undefined -fno-sanitize-recover=all

all: iso

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

$(KERNEL): $(KERNEL_OBJ) boot/kernel.ld
	$(say) LD $@
	$(Q)$(LD) -m elf_i386 -z noexecstack -T boot/kernel.ld -o $@ $(KERNEL_OBJ) $(LIBGCC)

kernel: $(KERNEL)

# --- user-space libraries -------------------------------------------------------

LIBBH_C   := $(wildcard lib/sys/*.c lib/posix/*.c) lib/elf/elf.c
LIBBH     := $(B)/lib/libbulkhead.a
TESTLIB_C := $(wildcard tests/os/lib/*.c)
TESTLIB   := $(B)/lib/libtest.a
CRT0      := $(B)/uobj/lib/crt/crt0.o
USER_LIBS := $(LIBBH) $(TESTLIB) $(CRT0) lib/user.ld

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

# link-program NAME, OBJECTS: a user program in $(B)/bin/NAME.elf
USER_LDLIBS = --start-group $(TESTLIB) $(LIBBH) $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group
define link-program
$(B)/bin/$(1).elf: $(2) $(USER_LIBS)
	@mkdir -p $$(@D)
	$$(say) LD $$@
	$$(Q)$$(LD) -m elf_i386 -z noexecstack -T lib/user.ld -o $$@ $(CRT0) $(2) $$(USER_LDLIBS)
PROGRAMS += $(B)/bin/$(1).elf
endef

# Every tests/os/NAME.c is a program; so is every servers/NAME/ directory.
OS_TESTS := $(basename $(notdir $(wildcard tests/os/*.c)))
$(foreach t,$(OS_TESTS),$(eval $(call link-program,$(t),$(B)/uobj/tests/os/$(t).o)))
SERVERS := $(notdir $(wildcard servers/*))
$(foreach s,$(SERVERS),$(eval $(call link-program,$(s),$(patsubst %.c,$(B)/uobj/%.o,$(wildcard servers/$(s)/*.c)))))

programs: $(PROGRAMS)

# --- boot image ---------------------------------------------------------------

ISO      := $(B)/bulkhead.iso
ISO_ROOT := $(B)/iso
BOOT_CONFIGS := $(wildcard boot/configs/*.cfg)

# Deliberately broken modules, for the test that the kernel refuses them.
$(B)/bad/not-elf.elf: | $(DEPS_OK)
	@mkdir -p $(@D)
	printf 'this is a text file, not a program\n' > $@
$(B)/bad/truncated.elf: $(B)/bin/t_hello.elf
	@mkdir -p $(@D)
	head -c 200 $< > $@
$(B)/bad/wrong-machine.elf: $(B)/bin/t_hello.elf
	@mkdir -p $(@D)
	python3 tools/patch-elf-machine.py $< $@ 62
BAD_MODULES := $(B)/bad/not-elf.elf $(B)/bad/truncated.elf $(B)/bad/wrong-machine.elf

$(ISO): $(KERNEL) $(PROGRAMS) $(BAD_MODULES) boot/grub.cfg $(BOOT_CONFIGS)
	$(say) ISO $@
	$(Q)rm -rf $(ISO_ROOT)
	$(Q)mkdir -p $(ISO_ROOT)/boot/grub/configs $(ISO_ROOT)/boot/bin $(ISO_ROOT)/boot/bad
	$(Q)cp $(KERNEL) $(ISO_ROOT)/boot/kernel.elf
	$(Q)cp $(PROGRAMS) $(ISO_ROOT)/boot/bin/
	$(Q)cp $(BAD_MODULES) $(ISO_ROOT)/boot/bad/
	$(Q)cp boot/grub.cfg $(ISO_ROOT)/boot/grub/
	$(Q)cp $(BOOT_CONFIGS) $(ISO_ROOT)/boot/grub/configs/
	$(Q)grub-mkrescue -o $@ $(ISO_ROOT) > $(B)/grub-mkrescue.log 2>&1 || { cat $(B)/grub-mkrescue.log; exit 1; }

iso: $(ISO)

# --- host unit tests ------------------------------------------------------------

UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
# The code each unit test exercises, besides the test itself.
UNIT_SRC_test_pmem    := kernel/pmem.c
UNIT_SRC_test_elf     := lib/elf/elf.c
UNIT_SRC_test_format  := kernel/format.c
UNIT_SRC_test_message :=

$(B)/unit/%: tests/unit/%.c $$(UNIT_SRC_$$*) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(say) HOSTCC $@
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -iquote kernel -o $@ $^ -lcmocka

unit: $(UNIT_TESTS:%=$(B)/unit/%)

# --- running --------------------------------------------------------------------

QEMU_RUN := $(QEMU) -machine pc -m 128M -cdrom $(ISO) -display none -serial mon:stdio -no-reboot \
	-smbios type=1,family=default

run: $(ISO)
	@echo "Booting Bulkhead in QEMU (TCG). Quit with Ctrl-A then X."
	$(QEMU_RUN)

debug: $(ISO)
	@echo "QEMU is waiting for gdb on localhost:1234. In another terminal:"
	@echo "    gdb -x tools/gdbinit"
	$(QEMU_RUN) -s -S

test: all unit
	@python3 tests/run.py

bench: all
	@python3 tools/bench.py

count:
	@cloc --quiet kernel

clean:
	rm -rf $(B)/kobj $(B)/uobj $(B)/lib $(B)/bin $(B)/bad $(B)/unit $(ISO_ROOT) $(ISO) $(KERNEL)

distclean:
	rm -rf $(B)

.PHONY: all deps newlib kernel programs iso unit run debug test bench count clean distclean

-include $(shell find $(B)/kobj $(B)/uobj -name '*.d' 2>/dev/null)
