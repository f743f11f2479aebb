/*
 * The boot file system's protocol: a read-only tree of files. Inode 0 is the
 * root directory. Data and names move only through grants.
 *
 *   FS_LOOKUP  path (grant, len) -> inode, size, mode
 *   FS_READ    inode, offset, buffer (grant, len) -> bytes read (0 at the end)
 *   FS_LIST    directory inode, index -> the index-th entry: inode, size,
 *              mode, and its name into a buffer (grant, len); -ENOENT past
 *              the last
 */
#ifndef BULKHEAD_FS_H
#define BULKHEAD_FS_H

#include <bulkhead/types.h>

enum {
	FS_LOOKUP = 0x400,
	FS_READ,
	FS_LIST,
};

#define FS_MODE_DIR  0x1
#define FS_MODE_FILE 0x2
#define FS_MODE_EXEC 0x4
#define FS_PATH_MAX  128

struct fs_req   { uint32_t ino; grant_id_t grant; uint32_t len; uint32_t offset; uint32_t index; };
struct fs_reply { uint32_t ino; uint32_t size; uint32_t mode; uint32_t count; };
MSG_PAYLOAD(fs_req);
MSG_PAYLOAD(fs_reply);

#endif
