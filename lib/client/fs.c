/* fs: boot file system client (protocol in include/bulkhead/fs.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

static int fs_call(int type, message *m, void *buf, uint32_t len, uint32_t rights)
{
	m->m_type = type;
	m->fs_req.len = len;
	return server_call_granted("bootfs", m, &m->fs_req.grant, buf, len, rights);
}

int fs_lookup(const char *path, uint32_t *ino, uint32_t *size, uint32_t *mode)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	if (strlen(path) >= FS_PATH_MAX)
		return -EINVAL;
	r = fs_call(FS_LOOKUP, &m, (void *)path, (uint32_t)strlen(path), GRANT_READ);
	if (r == 0) {
		*ino = m.fs_reply.ino;
		*size = m.fs_reply.size;
		*mode = m.fs_reply.mode;
	}
	return r;
}

int fs_read(uint32_t ino, uint32_t offset, void *buf, uint32_t len)
{
	message m;

	memset(&m, 0, sizeof m);
	m.fs_req.ino = ino;
	m.fs_req.offset = offset;
	return fs_call(FS_READ, &m, buf, len, GRANT_WRITE);
}

int fs_list(uint32_t dir, uint32_t index, char *name, uint32_t name_len,
            uint32_t *ino, uint32_t *size, uint32_t *mode)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.fs_req.ino = dir;
	m.fs_req.index = index;
	r = fs_call(FS_LIST, &m, name, name_len, GRANT_WRITE);
	if (r == 0) {
		*ino = m.fs_reply.ino;
		*size = m.fs_reply.size;
		*mode = m.fs_reply.mode;
	}
	return r;
}
