/*
 * Unit tests for the boot file system archive (lib/bootfs): a good archive
 * is accepted and its paths resolve; each kind of malformed archive is
 * refused with its own message; random corruption never reads out of bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/bootfs.h>

#define N 5

struct image {
	struct bootfs_header h;
	struct bootfs_entry e[N];
	char data[32];
};

/* /, /bin, /bin/sh ("hello"), /etc, /etc/rc ("x") */
static struct image good(void)
{
	struct image im;
	uint32_t data = offsetof(struct image, data);

	memset(&im, 0, sizeof im);
	im.h = (struct bootfs_header){ BOOTFS_MAGIC, BOOTFS_VERSION, N, sizeof im };
	im.e[0] = (struct bootfs_entry){ "", 0, BOOTFS_DIR, 0, 0 };
	im.e[1] = (struct bootfs_entry){ "bin", 0, BOOTFS_DIR, 0, 0 };
	im.e[2] = (struct bootfs_entry){ "sh", 1, BOOTFS_FILE | BOOTFS_EXEC, data, 5 };
	im.e[3] = (struct bootfs_entry){ "etc", 0, BOOTFS_DIR, 0, 0 };
	im.e[4] = (struct bootfs_entry){ "rc", 3, BOOTFS_FILE, data + 16, 1 };
	memcpy(im.data, "hello", 5);
	im.data[16] = 'x';
	return im;
}

static const char *refusal(struct image *im, size_t len)
{
	const char *why = NULL;

	return archive_check(im, len, &why) == 0 ? NULL : why;
}

static void test_good_archive(void **state)
{
	struct image im = good();

	(void)state;
	assert_null(refusal(&im, sizeof im));
	assert_int_equal(archive_lookup(&im, "/bin/sh"), 2);
	assert_int_equal(archive_lookup(&im, "bin//sh"), 2);
	assert_int_equal(archive_lookup(&im, "/"), 0);
	assert_int_equal(archive_lookup(&im, "/etc/rc"), 4);
	assert_int_equal(archive_lookup(&im, "/bin/s"), -1);
	assert_int_equal(archive_lookup(&im, "/bin/sh/x"), -1);      /* a file is no directory */
	assert_int_equal(archive_lookup(&im, "/nothing"), -1);
	assert_int_equal(archive_child(&im, 0, 0), 1);
	assert_int_equal(archive_child(&im, 0, 1), 3);
	assert_int_equal(archive_child(&im, 0, 2), -1);
	assert_int_equal(archive_child(&im, 1, 0), 2);
	assert_memory_equal((char *)&im + archive_entry(&im, 2)->offset, "hello", 5);
}

#define REFUSED(im, len, text) do { \
	const char *w = refusal(&(im), (len)); \
	assert_non_null(w); \
	assert_non_null(strstr(w, (text))); \
} while (0)

static void test_bad_archives(void **state)
{
	struct image im;

	(void)state;
	im = good(); im.h.magic = 0x12345678; REFUSED(im, sizeof im, "bad magic");
	im = good(); REFUSED(im, 8, "bad magic");
	im = good(); im.h.version = 2; REFUSED(im, sizeof im, "version");
	im = good(); REFUSED(im, sizeof im - 1, "shorter than its header says");
	im = good(); im.h.count = 0; REFUSED(im, sizeof im, "number of entries");
	im = good(); im.h.count = 100000; REFUSED(im, sizeof im, "number of entries");
	im = good(); im.h.count = 200; REFUSED(im, sizeof im, "entry table runs past");
	im = good(); im.e[0].name[0] = 'r'; REFUSED(im, sizeof im, "root entry must have an empty name");
	im = good(); im.e[2].name[0] = '\0'; REFUSED(im, sizeof im, "bad name");
	im = good(); strcpy(im.e[2].name, "a/b"); REFUSED(im, sizeof im, "bad name");
	im = good(); strcpy(im.e[2].name, ".."); REFUSED(im, sizeof im, "bad name");
	im = good(); memset(im.e[2].name, 'a', BOOTFS_NAME_MAX); REFUSED(im, sizeof im, "bad name");
	im = good(); im.e[2].parent = 4; REFUSED(im, sizeof im, "does not come before it");
	im = good(); im.e[1].parent = 1; REFUSED(im, sizeof im, "does not come before it");
	im = good(); im.e[4].parent = 2; REFUSED(im, sizeof im, "parent is not a directory");
	im = good(); im.e[2].mode = BOOTFS_DIR | BOOTFS_FILE; REFUSED(im, sizeof im, "neither a file nor a directory");
	im = good(); im.e[2].mode = 0x80; REFUSED(im, sizeof im, "neither a file nor a directory");
	im = good(); im.e[1].size = 4; REFUSED(im, sizeof im, "directory has a size");
	im = good(); im.e[2].offset = sizeof im - 2; REFUSED(im, sizeof im, "outside the archive");
	im = good(); im.e[2].offset = 4; REFUSED(im, sizeof im, "outside the archive");
	im = good(); im.e[2].size = 0xfffffff0u; REFUSED(im, sizeof im, "outside the archive");
	im = good(); strcpy(im.e[4].name, "sh"); im.e[4].parent = 1; REFUSED(im, sizeof im, "same name");
}

static void test_random_corruption(void **state)
{
	unsigned seed = 7, i, k;
	struct image im;
	const char *why;
	uint8_t *copy;
	size_t len;

	(void)state;
	for (i = 0; i < 20000; i++) {
		im = good();
		for (k = 0; k < 1 + (unsigned)rand_r(&seed) % 4; k++)
			((uint8_t *)&im)[(unsigned)rand_r(&seed) % offsetof(struct image, data)] = (uint8_t)rand_r(&seed);
		len = (unsigned)rand_r(&seed) % (sizeof im + 1);
		copy = malloc(len ? len : 1);
		memcpy(copy, &im, len);
		if (archive_check(copy, len, &why) == 0) {
			archive_lookup(copy, "/bin/sh");
			archive_lookup(copy, "etc/rc/x");
			archive_child(copy, 0, 3);
		}
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_archive),
		cmocka_unit_test(test_bad_archives),
		cmocka_unit_test(test_random_corruption),
	};
	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
