/* path: resolving a path against a current directory (include/bulkhead/text.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/text.h>

/* Append component [s, s+n) to out (length *at), or drop the last one for "..". */
static int step(char *out, size_t len, size_t *at, const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.'))
		return 0;
	if (n == 2 && s[0] == '.' && s[1] == '.') {
		while (*at > 0 && out[*at - 1] != '/')
			(*at)--;
		if (*at > 0)
			(*at)--;              /* the slash before it */
		return 0;
	}
	if (*at + 1 + n + 1 > len)
		return -ENAMETOOLONG;
	out[(*at)++] = '/';
	memcpy(out + *at, s, n);
	*at += n;
	return 0;
}

static int walk(char *out, size_t len, size_t *at, const char *p)
{
	const char *end;
	int r = 0;

	while (r == 0 && *p) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		r = step(out, len, at, p, (size_t)(end - p));
		p = *end ? end + 1 : end;
	}
	return r;
}

int path_resolve(const char *cwd, const char *path, char *out, size_t len)
{
	size_t at = 0;
	int r = 0;

	if (!path[0] || cwd[0] != '/')
		return -EINVAL;
	if (len < 2)
		return -ENAMETOOLONG;
	if (path[0] != '/')
		r = walk(out, len, &at, cwd);
	if (r == 0)
		r = walk(out, len, &at, path);
	if (r < 0)
		return r;
	if (at == 0)
		out[at++] = '/';
	out[at] = '\0';
	return 0;
}
