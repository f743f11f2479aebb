/*
 * bootfs: the boot file system server. The kernel copies the archive (a
 * boot module, built by tools/mkbootfs.py) into this process and names it in
 * the argument --image=ADDRESS:SIZE. The archive is validated completely
 * before anything is served; a malformed one is refused with a message, and
 * every request then fails with EIO. Protocol in include/bulkhead/fs.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/bootfs.h>
#include <bulkhead/posix.h>
#include <bulkhead/server.h>

static const uint8_t *image;
static const struct bootfs_header *hdr;

static int mode_of(const struct bootfs_entry *e)
{
	return (e->mode & BOOTFS_DIR ? FS_MODE_DIR : FS_MODE_FILE) | (e->mode & BOOTFS_EXEC ? FS_MODE_EXEC : 0);
}

static void describe(message *m, uint32_t ino)
{
	const struct bootfs_entry *e = archive_entry(image, ino);

	m->fs_reply.ino = ino;
	m->fs_reply.size = e->size;
	m->fs_reply.mode = (uint32_t)mode_of(e);
}

static int do_lookup(message *m)
{
	char path[FS_PATH_MAX];
	uint32_t len = m->fs_req.len;
	int r, ino;

	if (len >= sizeof path)
		return -ENAMETOOLONG;
	r = sys_safecopy(m->m_source, m->fs_req.grant, 0, path, len, SAFECOPY_FROM);
	if (r < 0)
		return r;
	path[len] = '\0';
	ino = archive_lookup(image, path);
	if (ino < 0)
		return -ENOENT;
	describe(m, (uint32_t)ino);
	return 0;
}

static int do_read(message *m)
{
	const struct bootfs_entry *e;
	uint32_t n;
	int r;

	if (m->fs_req.ino >= hdr->count)
		return -EINVAL;
	e = archive_entry(image, m->fs_req.ino);
	if (e->mode & BOOTFS_DIR)
		return -EISDIR;
	if (m->fs_req.offset >= e->size)
		return 0;
	n = e->size - m->fs_req.offset;
	if (n > m->fs_req.len)
		n = m->fs_req.len;
	r = sys_safecopy(m->m_source, m->fs_req.grant, 0, (void *)(image + e->offset + m->fs_req.offset),
	                 n, SAFECOPY_TO);
	return r < 0 ? r : (int)n;
}

static int do_list(message *m)
{
	const struct bootfs_entry *e;
	int child, r;
	uint32_t n;

	if (m->fs_req.ino >= hdr->count || !(archive_entry(image, m->fs_req.ino)->mode & BOOTFS_DIR))
		return -ENOTDIR;
	child = archive_child(image, m->fs_req.ino, m->fs_req.index);
	if (child < 0)
		return -ENOENT;
	e = archive_entry(image, (uint32_t)child);
	n = (uint32_t)strlen(e->name) + 1;
	if (n > m->fs_req.len)
		return -ENAMETOOLONG;
	r = sys_safecopy(m->m_source, m->fs_req.grant, 0, (void *)e->name, n, SAFECOPY_TO);
	if (r < 0)
		return r;
	describe(m, (uint32_t)child);
	return 0;
}

static const server_handler handlers[] = {
	[FS_LOOKUP - FS_LOOKUP] = do_lookup,
	[FS_READ - FS_LOOKUP]   = do_read,
	[FS_LIST - FS_LOOKUP]   = do_list,
};

/* The archive from --image=ADDRESS:SIZE, checked; NULL (and a message) if unusable. */
static const uint8_t *find_image(int argc, char **argv)
{
	unsigned long addr = 0, size = 0;
	const char *why;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--image=", 8))
			continue;
		addr = strtoul(argv[i] + 8, &end, 16);
		size = *end == ':' ? strtoul(end + 1, NULL, 10) : 0;
	}
	if (!addr) {
		printf("bootfs: no archive given (the kernel passes --image= for a boot module marked data)\n");
		return NULL;
	}
	if (archive_check((const void *)addr, size, &why) < 0) {
		printf("bootfs: archive refused: %s\n", why);
		return NULL;
	}
	return (const uint8_t *)addr;
}

/* Every request fails with EIO when there is no usable archive. */
static int refuse(message *m)
{
	return -EIO;
}

static const server_handler refusals[] = {
	[FS_LOOKUP - FS_LOOKUP] = refuse,
	[FS_READ - FS_LOOKUP]   = refuse,
	[FS_LIST - FS_LOOKUP]   = refuse,
};

static const struct server serving = { FS_LOOKUP, SERVER_TABLE(handlers), NULL, NULL, NULL };
static const struct server refusing = { FS_LOOKUP, SERVER_TABLE(refusals), NULL, NULL, NULL };

int main(int argc, char **argv)
{
	posix_use_kernel_console();
	image = find_image(argc, argv);
	hdr = (const struct bootfs_header *)image;
	if (image)
		printf("bootfs: serving %u files and directories (%u bytes)\n", hdr->count, hdr->size);
	ds_publish("bootfs", (uint32_t)sys_self());
	server_loop(image ? &serving : &refusing);
}
