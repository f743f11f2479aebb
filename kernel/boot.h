/* boot: what GRUB hands over, turned into free memory and processes (see boot.c). */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <bulkhead/types.h>
#include "multiboot.h"
#include <bulkhead/kcall.h>

void boot_read_info(uint32_t magic, const struct multiboot_info *mbi);
void boot_start_processes(void);
uint32_t boot_total_pages(void);
int boot_is_firmware(phys_bytes base, uint32_t len);   /* below 4 GiB, and no part of it RAM? */
const struct screen_info *boot_screen(void);

#endif
