/* chksum: the Internet checksum's sum for lwIP (LWIP_CHKSUM, see port/arch/cc.h). */
#ifndef INET_CHKSUM_H
#define INET_CHKSUM_H

#include <stdint.h>

uint16_t inet_sum16(const void *data, int len);

#endif
