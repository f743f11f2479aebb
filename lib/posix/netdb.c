/*
 * netdb: getaddrinfo for newlib programs, for what needs no name service:
 * numeric IPv4 addresses, "localhost" (127.0.0.1) and no node at all (the
 * any address with AI_PASSIVE, else the loopback address); services as
 * port numbers. A name that would need DNS gets EAI_NONAME. One result per
 * socket type asked for (both, TCP first, if none was).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>

#define KNOWN_FLAGS (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | \
                     AI_NUMERICSERV)
#define MAX_PORT    65535
#define LOCALHOST   "localhost"

/* An addrinfo and its address, freed together. */
struct result {
	struct addrinfo ai;
	struct sockaddr_in sin;
};

/* node as an IPv4 address (network order): 0, or an EAI_ code. */
static int host(const char *node, int flags, in_addr_t *out)
{
	if (!node) {
		*out = htonl(flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK);
		return 0;
	}
	if (inet_pton(AF_INET, node, out) == 1)
		return 0;
	if (!(flags & AI_NUMERICHOST) && !strcmp(node, LOCALHOST)) {
		*out = htonl(INADDR_LOOPBACK);
		return 0;
	}
	return EAI_NONAME;
}

/* service as a port (network order): 0, or EAI_SERVICE. */
static int port(const char *service, in_port_t *out)
{
	char *end;
	unsigned long v;

	if (!service) {
		*out = 0;
		return 0;
	}
	v = strtoul(service, &end, 10);
	if (!*service || *end || v > MAX_PORT || strspn(service, "0123456789") != strlen(service))
		return EAI_SERVICE;
	*out = htons((in_port_t)v);
	return 0;
}

static int check_hints(const struct addrinfo *h)
{
	if (h->ai_flags & ~KNOWN_FLAGS)
		return EAI_BADFLAGS;
	if (h->ai_family != AF_UNSPEC && h->ai_family != AF_INET)
		return EAI_FAMILY;
	if (h->ai_socktype != 0 && h->ai_socktype != SOCK_STREAM && h->ai_socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if (h->ai_protocol != 0 && h->ai_protocol != IPPROTO_TCP && h->ai_protocol != IPPROTO_UDP)
		return EAI_SOCKTYPE;
	return 0;
}

/* A result for one socket type, linked before next; NULL if out of memory. */
static struct addrinfo *one(int type, in_addr_t addr, in_port_t p, struct addrinfo *next)
{
	struct result *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->sin.sin_family = AF_INET;
	r->sin.sin_addr.s_addr = addr;
	r->sin.sin_port = p;
	r->ai.ai_family = AF_INET;
	r->ai.ai_socktype = type;
	r->ai.ai_protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	r->ai.ai_addrlen = sizeof r->sin;
	r->ai.ai_addr = (struct sockaddr *)&r->sin;
	r->ai.ai_next = next;
	return &r->ai;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	static const struct addrinfo none;
	const struct addrinfo *h = hints ? hints : &none;
	struct addrinfo *list = NULL, *ai;
	int types[2], n = 0, k, e;
	in_addr_t addr;
	in_port_t p;

	if (!res)
		return EAI_FAIL;
	if (!node && !service)
		return EAI_NONAME;
	e = check_hints(h);
	if (!e)
		e = host(node, h->ai_flags, &addr);
	if (!e)
		e = port(service, &p);
	if (e)
		return e;
	if (h->ai_socktype != SOCK_DGRAM && h->ai_protocol != IPPROTO_UDP)
		types[n++] = SOCK_STREAM;
	if (h->ai_socktype != SOCK_STREAM && h->ai_protocol != IPPROTO_TCP)
		types[n++] = SOCK_DGRAM;
	if (n == 0)
		return EAI_SOCKTYPE;                 /* a stream socket over UDP, or the reverse */
	for (k = n - 1; k >= 0; k--) {
		ai = one(types[k], addr, p, list);
		if (!ai) {
			freeaddrinfo(list);
			return EAI_MEMORY;
		}
		list = ai;
	}
	*res = list;
	return 0;
}

void freeaddrinfo(struct addrinfo *ai)
{
	struct addrinfo *next;

	for (; ai; ai = next) {
		next = ai->ai_next;
		free(ai);                            /* the result holding it: ai is its first member */
	}
}

const char *gai_strerror(int code)
{
	switch (code) {
	case 0:            return "Success";
	case EAI_BADFLAGS: return "Bad value for ai_flags";
	case EAI_NONAME:   return "Name or service not known";
	case EAI_AGAIN:    return "Temporary failure in name resolution";
	case EAI_FAIL:     return "Non-recoverable failure in name resolution";
	case EAI_FAMILY:   return "ai_family not supported";
	case EAI_SOCKTYPE: return "ai_socktype not supported";
	case EAI_SERVICE:  return "Service not available for socket type";
	case EAI_MEMORY:   return "Memory allocation failure";
	case EAI_SYSTEM:   return "System error";
	case EAI_OVERFLOW: return "Argument buffer overflow";
	default:           return "Unknown error";
	}
}
