/* netinet/tcp.h: TCP's socket options (setsockopt at level IPPROTO_TCP). */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#define TCP_NODELAY 1              /* send small segments at once (no Nagle) */

#endif
