/*
 * insncount: a QEMU TCG plugin that counts the guest instructions the vCPU
 * executes, for tools/abcompare_tcp.py --insns. Under TCG on a shared host
 * the CPU time of QEMU's vCPU thread moves by several percent from run to
 * run; the guest's instruction count for the same work does not, so a
 * change that takes work out of the guest shows even when it is small.
 * (It does not see what QEMU itself spends: soft-TLB refills, the flush of
 * every CR3 write, device emulation. Compare both figures.)
 *
 *   INSN_COUNT_FILE=/tmp/n qemu-system-i386 -plugin build/tools/libinsncount.so ...
 *
 * The count is a little-endian uint64 at the start of that file (made,
 * and zeroed, at load), shared with QEMU through mmap: read it before and
 * after the work to count. Counted per translation block as it starts, so
 * a block left early by an exception counts whole.
 *
 * QEMU's plugin interface (version 1, qemu-plugin.h) is declared here, the
 * few calls used: Debian ships QEMU with plugins enabled but not the header.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define COUNT_BYTES 4096

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr,
                                              uint64_t imm);

EXPORT int qemu_plugin_version = 1;

static uint64_t *count;

/* Each block, as it is translated: an inline add of its length to run every time it starts. */
static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, count, qemu_plugin_tb_n_insns(tb));
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
	const char *path = getenv("INSN_COUNT_FILE");
	int fd;

	(void)info, (void)argc, (void)argv;
	fd = path ? open(path, O_RDWR | O_CREAT | O_TRUNC, 0600) : -1;
	if (fd < 0 || ftruncate(fd, COUNT_BYTES) < 0)
		return -1;
	count = mmap(NULL, COUNT_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (count == MAP_FAILED)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
