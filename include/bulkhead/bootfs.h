/*
 * The boot file system archive (built by tools/mkbootfs.py, served by
 * servers/bootfs): a header, a table of entries, then file data.
 *
 * Entry 0 is the root directory. Every entry names its parent directory,
 * which comes before it in the table, so the entries form a tree. Names are
 * single path components. archive_check() validates an archive completely
 * before anything else reads it; the other functions assume it passed.
 */
#ifndef BULKHEAD_BOOTFS_H
#define BULKHEAD_BOOTFS_H

#include <bulkhead/types.h>

#define BOOTFS_MAGIC     0x53464842u    /* "BHFS" */
#define BOOTFS_VERSION   1
#define BOOTFS_NAME_MAX  48
#define BOOTFS_MAX_ENTRIES 4096

#define BOOTFS_DIR  0x1
#define BOOTFS_FILE 0x2
#define BOOTFS_EXEC 0x4

struct bootfs_header {
	uint32_t magic, version;
	uint32_t count;              /* entries */
	uint32_t size;               /* bytes in the whole archive */
};

struct bootfs_entry {
	char     name[BOOTFS_NAME_MAX];
	uint32_t parent;             /* index of its directory */
	uint32_t mode;               /* BOOTFS_DIR or BOOTFS_FILE, maybe BOOTFS_EXEC */
	uint32_t offset;             /* file data: from the start of the archive */
	uint32_t size;
};
BH_STATIC_ASSERT(sizeof(struct bootfs_entry) == 64, "bootfs entry layout");

/* 0 if the archive at img (len bytes available) is sound, else -1 and why. */
int archive_check(const void *img, size_t len, const char **why);
/* The entry for an absolute or relative path ("/bin/sh", "bin/sh"), or -1. */
int archive_lookup(const void *img, const char *path);
/* The n-th entry in directory dir, or -1. */
int archive_child(const void *img, uint32_t dir, uint32_t n);
const struct bootfs_entry *archive_entry(const void *img, uint32_t index);

#endif
