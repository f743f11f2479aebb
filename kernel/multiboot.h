/* The parts of the Multiboot (version 1) information the kernel reads. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_LOADER_MAGIC 0x2badb002
#define MB_INFO_CMDLINE 0x004
#define MB_INFO_MODS    0x008
#define MB_INFO_MMAP    0x040
#define MB_INFO_FRAMEBUFFER 0x1000
#define MB_MMAP_RAM     1
#define MB_FB_RGB       1
#define MB_FB_EGA_TEXT  2

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name, apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
	uint64_t fb_addr;                      /* MB_INFO_FRAMEBUFFER: the screen GRUB left */
	uint32_t fb_pitch, fb_width, fb_height;
	uint8_t fb_bpp, fb_type;
	uint8_t fb_align[2];                   /* GRUB's struct aligns the colour fields to 4 */
	uint8_t fb_red_pos, fb_red_size, fb_green_pos, fb_green_size, fb_blue_pos, fb_blue_size;
} __attribute__((packed));

struct multiboot_module {
	uint32_t start, end;
	uint32_t cmdline;
	uint32_t reserved;
} __attribute__((packed));

struct multiboot_mmap {
	uint32_t size;          /* of the rest of this entry */
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

#endif
