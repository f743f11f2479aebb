"""The screen and keyboard console, from the host: booting the image the way
a PC would, reading its screen and typing on its PS/2 keyboard.

An ImageMachine boots build/bulkhead.iso from firmware (SeaBIOS, or OVMF on
q35) as a CD or as a USB stick, without an SMBIOS family string, so GRUB
picks the default system as on a real PC. Besides the serial line (as for
every Machine), it uses its QMP socket: keys are typed with `sendkey` on the
emulated PS/2 keyboard, and the screen is read back without OCR: VGA text
cells with `xp` on the text buffer (b8000), a framebuffer by `screendump`
compared cell by cell against the driver's own font (tools/mkfont.py).
"""
import os
import re
import shutil
import sys
import time

from qemu import ISO, ROOT, Machine

sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkfont  # noqa: E402

OVMF = "/usr/share/ovmf/OVMF.fd"                       # Debian's ovmf: 64-bit UEFI
OVMF32_CODE = "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd"  # ovmf-ia32: 32-bit UEFI (needs SMM)
OVMF32_VARS = "/usr/share/OVMF/OVMF32_VARS_4M.fd"
PROMPT = "bulkhead# "
KEY_PAUSE = 0.03           # seconds between keys: a person types slower still
STEP_TIMEOUT = 30
RESTART_WAIT = 30          # seconds for a killed driver to be serving again
GLYPHS = {tuple(mkfont.cell_rows(chr(c))): chr(c) for c in range(0x20, 0x7f)}
GLYPHS.update({tuple(b ^ 0xff for b in cell): ch for cell, ch in list(GLYPHS.items())})   # the cursor's cell
KEY_NAMES = {" ": "spc", "\r": "ret", "/": "slash", "-": "minus", ".": "dot", ",": "comma",
             "=": "equal", ";": "semicolon", "'": "apostrophe", "\\": "backslash",
             "[": "bracket_left", "]": "bracket_right", "`": "grave_accent", "\t": "tab",
             "\x7f": "backspace", "\x03": "ctrl-c", "\x04": "ctrl-d"}
SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
           "(": "9", ")": "0", "_": "minus", "+": "equal", ":": "semicolon", '"': "apostrophe",
           "|": "backslash", "{": "bracket_left", "}": "bracket_right", "~": "grave_accent",
           "<": "comma", ">": "dot", "?": "slash"}


def key_name(ch):
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return ch
    if ch.isascii() and ch.isupper():
        return "shift-" + ch.lower()
    if ch in SHIFTED:
        return "shift-" + SHIFTED[ch]
    return KEY_NAMES[ch]


class ImageMachine(Machine):
    """firmware: "bios" (SeaBIOS, pc), "ovmf" (64-bit UEFI, q35) or "ovmf32" (32-bit UEFI,
    q35); media: "cd" or "usb"."""

    def __init__(self, firmware, media, extra_args=()):
        self.config = f"image-{firmware}-{media}"
        self.firmware = firmware
        self.make_dir()
        image = os.path.join(self.dir, "image.iso")
        shutil.copy(ISO, image)      # a stick is writable: each boot its own copy
        if media == "cd":
            drive = ["-drive", f"file={image},media=cdrom,format=raw,if=none,id=stick",
                     "-device", "ide-cd,drive=stick,bootindex=1"]
        else:
            drive = ["-drive", f"if=none,id=stick,file={image},format=raw",
                     "-device", "usb-ehci,id=ehci", "-device", "usb-storage,bus=ehci.0,drive=stick,bootindex=1"]
        if firmware == "ovmf":
            machine = ["qemu-system-x86_64", "-machine", "q35", "-bios", OVMF]
        elif firmware == "ovmf32":
            shutil.copy(OVMF32_VARS, os.path.join(self.dir, "vars.fd"))
            machine = ["qemu-system-i386", "-machine", "q35,smm=on",
                       "-global", "driver=cfi.pflash01,property=secure,value=on",
                       "-drive", f"if=pflash,format=raw,unit=0,file={OVMF32_CODE},readonly=on",
                       "-drive", f"if=pflash,format=raw,unit=1,file={os.path.join(self.dir, 'vars.fd')}"]
        else:
            machine = ["qemu-system-i386", "-machine", "pc"]
        self.cmd = machine + [
            "-m", "128M", *drive, "-display", "none", *self.qmp_args(),
            "-serial", "stdio", "-no-reboot", "-nic", "none", *extra_args,
        ]
        self.start()

    def type_keys(self, text):
        """Type text on the PS/2 keyboard, a key at a time."""
        for ch in text:
            self.hmp(f"sendkey {key_name(ch)} 20")
            time.sleep(KEY_PAUSE)

    def screen_rows(self):
        """The screen as a list of text rows."""
        if self.firmware == "bios":
            return self._vga_text_rows()
        return self._framebuffer_rows()

    def _vga_text_rows(self, cols=80, rows=25):
        out = self.hmp(f"xp /{cols * rows}hx 0xb8000")
        words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{4})\b", out)]
        chars = "".join(chr(w & 0xff) if 0x20 <= (w & 0xff) < 0x7f else " " for w in words)
        return [chars[i:i + cols] for i in range(0, len(chars), cols)]

    def _framebuffer_rows(self):
        path = os.path.join(self.dir, "screen.ppm")
        self.hmp(f"screendump {path}")
        with open(path, "rb") as f:
            data = f.read()
        m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        width, height = int(m.group(1)), int(m.group(2))
        pixels = data[m.end():]
        lit = bytes(1 if max(pixels[i:i + 3]) > 0x40 else 0 for i in range(0, width * height * 3, 3))
        self.colours = {pixels[i:i + 3] for i in range(0, width * height * 3, 3)}
        rows = []
        for cy in range(height // mkfont.CELL_H):
            row = []
            for cx in range(width // mkfont.CELL_W):
                cell = []
                for y in range(mkfont.CELL_H):
                    at = (cy * mkfont.CELL_H + y) * width + cx * mkfont.CELL_W
                    bits = lit[at:at + mkfont.CELL_W]
                    cell.append(sum(b << (7 - i) for i, b in enumerate(bits)))
                row.append(GLYPHS.get(tuple(cell), "?"))
            rows.append("".join(row))
        return rows

    def screen_text(self):
        """The screen's rows joined, a full row running on into the next (a wrapped line)."""
        out = ""
        for row in self.screen_rows():
            full = row and row[-1] != " "
            out += row if full else row.rstrip() + "\n"
        return out

    def wait_screen(self, pattern, timeout, after=None):
        """Wait until the screen (the part after the last `after`, if given) matches pattern."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            self._read(0)
            text = self.screen_text()
            if after is not None:
                at = text.rfind(after)
                text = text[at + len(after):] if at >= 0 else ""
            if regex.search(text):
                return True
            time.sleep(0.5)
        self.last_screen = text
        return False


def run_screen_session(machine):
    """Use the system with the screen and the keyboard alone; restart each driver.
    Returns {case: (ok, detail)}."""
    results = {}

    def check(case, ok, what):
        results[case] = (ok, what if ok else what + "; the screen showed: " +
                         getattr(machine, "last_screen", "")[-600:].replace("\n", " | "))

    def command(case, typed, expect):
        machine.type_keys(typed + "\r")
        check(case, machine.wait_screen(expect, STEP_TIMEOUT, after=PROMPT + typed), f"typed {typed!r} on the keyboard")

    def restarted(label, incarnation):
        """Kill the driver from the keyboard; wait (asking on the serial line) until its next one runs."""
        at = machine.mark()
        machine.type_keys(f"kill {label}\r")
        if machine.wait_for(rf"dm: {label} \(incarnation {incarnation}\) failed: killed", RESTART_WAIT,
                            after=at) is None:
            return False
        deadline = time.monotonic() + RESTART_WAIT
        while time.monotonic() < deadline:
            at = machine.mark()
            machine.send(f"service status {label}\r")
            if machine.wait_for(rf"{label}: running, endpoint \d+, incarnation {incarnation + 1},[\s\S]*{PROMPT}",
                                5, after=at, partial=True):
                return True             # and the shell waits for the next line
        return False

    check("screen_shows_prompt", machine.wait_screen(re.escape(PROMPT.rstrip()) + r"\s*$", STEP_TIMEOUT),
          "the prompt on the screen")
    grey = {b"\xaa\xaa\xaa", b"\0\0\0"}                 # the text's grey, and black
    colours = grey if machine.firmware == "bios" else machine.colours
    check("screen_text_grey", colours == grey, f"the framebuffer's colours: {sorted(c.hex() for c in colours)}")
    command("keyboard_runs_command", "cat /tests/hello.txt", r"Hello from the boot file system\.")
    command("screen_shows_drivers", "service list", r"screen\s+\d+ running[\s\S]*keyboard\s+\d+ running")
    command("screen_shows_kernel_log", "kill demo", r"dm: demo \(incarnation \d+\) failed: killed")
    machine.type_keys("/tests/t_tty spin\r")
    machine.wait_screen(r"t_tty: spinning until interrupted", STEP_TIMEOUT)
    machine.type_keys("\x03")
    check("keyboard_ctrl_c", machine.wait_screen(r"\^C\n\[ended by signal 2\]", STEP_TIMEOUT,
                                                 after="t_tty: spinning until interrupted"), "Ctrl-C on the keyboard")
    check("keyboard_killed", restarted("keyboard", 1), "kill keyboard, typed on the keyboard; a new one runs")
    command("keyboard_works_after_restart", "ls /", r"bin/\s*\n.*drivers/")
    check("screen_killed", restarted("screen", 1), "kill screen, typed on the keyboard; a new one runs")
    command("screen_works_after_restart", "cat /tests/hello.txt", r"Hello from the boot file system\.")
    return results
