package rootfs

import (
	"bufio"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
)

// needs is what a program needs to start, as execve(2) and the dynamic
// loader (ld.so(8)) find it: the interpreter named by PT_INTERP (the
// loader itself) or by a script's "#!" line, and the shared libraries
// named by DT_NEEDED, with the object's own search path (DT_RUNPATH, or
// DT_RPATH without one; $ORIGIN is the object's directory).
type needs struct {
	interp  string
	needed  []string
	search  []string
	machine elf.Machine
	class   elf.Class
}

// readNeeds reads what the file at path needs. A file that is neither an
// ELF file nor a script needs nothing.
func readNeeds(path string) (needs, error) {
	f, err := elf.Open(path)
	if err != nil {
		return scriptNeeds(path)
	}
	defer f.Close()
	n := needs{machine: f.Machine, class: f.Class}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil {
				return n, err
			}
			n.interp = strings.TrimRight(string(b), "\x00")
		}
	}
	if n.needed, err = f.ImportedLibraries(); err != nil {
		return n, nil // no dynamic section: a static binary
	}
	paths, _ := f.DynString(elf.DT_RUNPATH)
	if len(paths) == 0 {
		paths, _ = f.DynString(elf.DT_RPATH)
	}
	origin := filepath.Dir(path)
	for _, p := range paths {
		for _, dir := range strings.Split(p, ":") {
			dir = strings.NewReplacer("$ORIGIN", origin, "${ORIGIN}", origin).Replace(dir)
			if filepath.IsAbs(dir) {
				n.search = append(n.search, dir)
			}
		}
	}
	return n, nil
}

// scriptNeeds is a script's interpreter: the first word after "#!"
// (execve(2)).
func scriptNeeds(path string) (needs, error) {
	f, err := os.Open(path)
	if err != nil {
		return needs{}, err
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if rest, ok := strings.CutPrefix(line, "#!"); ok {
		if words := strings.Fields(rest); len(words) > 0 && filepath.IsAbs(words[0]) {
			return needs{interp: words[0]}, nil
		}
	}
	return needs{}, nil
}

// libraryDirs are the directories the loader searches after an object's
// own: the multiarch directories (Debian's /etc/ld.so.conf.d, read through
// /etc/ld.so.cache, which nstool does not parse), then the loader's
// built-in /lib64, /usr/lib64 (64-bit), /lib and /usr/lib.
func libraryDirs(machine elf.Machine, class elf.Class) []string {
	var dirs []string
	if t := multiarch[machine]; t != "" {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	if class == elf.ELFCLASS64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	}
	return append(dirs, "/lib", "/usr/lib")
}

// multiarch is the Debian multiarch triplet of each machine.
var multiarch = map[elf.Machine]string{
	elf.EM_X86_64: "x86_64-linux-gnu", elf.EM_AARCH64: "aarch64-linux-gnu", elf.EM_386: "i386-linux-gnu",
	elf.EM_ARM: "arm-linux-gnueabihf", elf.EM_RISCV: "riscv64-linux-gnu", elf.EM_PPC64: "powerpc64le-linux-gnu",
	elf.EM_S390: "s390x-linux-gnu",
}

// findLibrary is the file the loader would load for name, needed by an
// object that searches first in its own dirs: the first candidate that is
// an ELF file of the object's class and machine (the loader skips others).
func findLibrary(name string, n needs) (string, bool) {
	if strings.Contains(name, "/") {
		return name, true
	}
	for _, dir := range append(n.search, libraryDirs(n.machine, n.class)...) {
		p := filepath.Join(dir, name)
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		ok := f.Machine == n.machine && f.Class == n.class
		f.Close()
		if ok {
			return p, true
		}
	}
	return "", false
}
