/*
 * archive: validating and reading a boot file system archive (format in
 * include/bulkhead/bootfs.h). Freestanding: no library calls.
 */
#include <bulkhead/bootfs.h>

static const struct bootfs_header *header(const void *img) { return img; }

const struct bootfs_entry *archive_entry(const void *img, uint32_t index)
{
	return (const struct bootfs_entry *)((const uint8_t *)img + sizeof(struct bootfs_header)) + index;
}

static int name_ok(const char *name, int root)
{
	int i;

	for (i = 0; i < BOOTFS_NAME_MAX && name[i]; i++)
		if (name[i] == '/')
			return 0;
	if (i == BOOTFS_NAME_MAX)
		return 0;                     /* not terminated */
	if (root)
		return i == 0;
	return i > 0 && !(i == 1 && name[0] == '.') && !(i == 2 && name[0] == '.' && name[1] == '.');
}

static int same_name(const char *a, const char *b, uint32_t blen)
{
	uint32_t i;

	for (i = 0; i < blen; i++)
		if (a[i] != b[i])
			return 0;
	return a[blen] == '\0';
}

static const char *check_entry(const void *img, uint32_t i, uint32_t data_start, uint32_t size)
{
	const struct bootfs_entry *e = archive_entry(img, i), *o;
	uint32_t j, n;

	if (!name_ok(e->name, i == 0))
		return i == 0 ? "the root entry must have an empty name" : "an entry has a bad name";
	if (i == 0 ? e->parent != 0 || e->mode != BOOTFS_DIR : e->parent >= i)
		return "an entry's directory does not come before it";
	if (!(archive_entry(img, e->parent)->mode & BOOTFS_DIR))
		return "an entry's parent is not a directory";
	if ((e->mode & ~(uint32_t)(BOOTFS_DIR | BOOTFS_FILE | BOOTFS_EXEC)) ||
	    ((e->mode & BOOTFS_DIR) != 0) == ((e->mode & BOOTFS_FILE) != 0))
		return "an entry is neither a file nor a directory";
	if (e->mode & BOOTFS_DIR)
		return e->size == 0 ? NULL : "a directory has a size";
	if (e->offset < data_start || e->offset > size || e->size > size - e->offset)
		return "a file's data lies outside the archive";
	for (n = 0; n < BOOTFS_NAME_MAX && e->name[n]; n++)
		;
	for (j = 1; j < i; j++) {
		o = archive_entry(img, j);
		if (o->parent == e->parent && same_name(o->name, e->name, n))
			return "two entries with the same name in one directory";
	}
	return NULL;
}

int archive_check(const void *img, size_t len, const char **why)
{
	const struct bootfs_header *h = header(img);
	uint32_t i, data_start;
	const char *err;

	*why = NULL;
	if (!img || len < sizeof *h || h->magic != BOOTFS_MAGIC)
		*why = "not a boot file system archive (bad magic number)";
	else if (h->version != BOOTFS_VERSION)
		*why = "unknown archive version";
	else if (h->size > len || h->size < sizeof *h)
		*why = "truncated: the archive is shorter than its header says";
	else if (h->count == 0 || h->count > BOOTFS_MAX_ENTRIES)
		*why = "bad number of entries";
	else if (h->count * sizeof(struct bootfs_entry) > h->size - sizeof *h)
		*why = "truncated: the entry table runs past the end";
	if (*why)
		return -1;
	data_start = sizeof *h + h->count * sizeof(struct bootfs_entry);
	for (i = 0; i < h->count; i++) {
		err = check_entry(img, i, data_start, h->size);
		if (err) {
			*why = err;
			return -1;
		}
	}
	return 0;
}

int archive_child(const void *img, uint32_t dir, uint32_t n)
{
	uint32_t i;

	for (i = 1; i < header(img)->count; i++)
		if (archive_entry(img, i)->parent == dir && n-- == 0)
			return (int)i;
	return -1;
}

/* The child of dir called name[0..len), or -1. */
static int find_child(const void *img, uint32_t dir, const char *name, uint32_t len)
{
	uint32_t i;

	if (len >= BOOTFS_NAME_MAX)
		return -1;
	for (i = 1; i < header(img)->count; i++) {
		const struct bootfs_entry *e = archive_entry(img, i);
		if (e->parent == dir && same_name(e->name, name, len))
			return (int)i;
	}
	return -1;
}

int archive_lookup(const void *img, const char *path)
{
	int at = 0;
	uint32_t len;

	for (;;) {
		while (*path == '/')
			path++;
		if (!*path)
			return at;
		for (len = 0; path[len] && path[len] != '/'; len++)
			;
		if (!(archive_entry(img, (uint32_t)at)->mode & BOOTFS_DIR))
			return -1;
		at = find_child(img, (uint32_t)at, path, len);
		if (at < 0)
			return -1;
		path += len;
	}
}
