package rootfs

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Options say what goes into the root.
type Options struct {
	// Programs are looked up by name in the host's bin directories; those
	// the host lacks are listed in Manifest.Missing. nil: DefaultPrograms.
	Programs []string
	// Required are the programs without which Build fails. nil: "sh".
	Required []string
	// Nstool is the host's nstool binary, put in the root as /bin/nstool
	// ("" leaves it out).
	Nstool string
	// Hostname is written to /etc/hostname ("" for "container").
	Hostname string
}

// DefaultPrograms are a shell and the tools a lab runs in its container.
var DefaultPrograms = []string{"sh", "bash", "ls", "cat", "mount", "umount", "mkdir", "echo", "sleep", "findmnt", "ps"}

// binDirs are where programs are looked up, in order: /bin first, so that
// the root has the paths scripts name (/bin/sh).
var binDirs = []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}

// containerDirs are the directories a container expects, for its own
// proc, sysfs, devices and scratch space (mode as in a distribution).
var containerDirs = []struct {
	path string
	perm os.FileMode
}{
	{"/proc", 0o555}, {"/sys", 0o555}, {"/dev", 0o755}, {"/tmp", 0o777 | os.ModeSticky},
	{"/etc", 0o755}, {"/root", 0o700}, {"/run", 0o755},
}

// Build makes a root filesystem in dir, an empty directory the caller
// provides (a tmpfs, typically: files are then copied), and returns what
// it made.
func Build(dir string, o Options) (*Manifest, error) {
	if o.Programs == nil {
		o.Programs = DefaultPrograms
	}
	if o.Required == nil {
		o.Required = []string{"sh"}
	}
	if o.Hostname == "" {
		o.Hostname = "container"
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	b := &builder{dir: abs, m: &Manifest{Dir: abs}, paths: map[string]string{}, dirs: map[string]bool{"/": true}, links: map[string]bool{}}
	required := map[string]bool{}
	for _, r := range o.Required {
		required[r] = true
	}
	var programs []string // host files, for their libraries
	for _, name := range o.Programs {
		path, ok := lookPath(name)
		if !ok {
			if required[name] {
				return nil, fmt.Errorf("%s: not found in %v", name, binDirs)
			}
			b.m.Missing = append(b.m.Missing, name)
			continue
		}
		real, err := b.install(path, "program "+name)
		if err != nil {
			return nil, err
		}
		programs = append(programs, real)
	}
	if o.Nstool != "" {
		real, err := b.place("/bin/nstool", o.Nstool, "nstool itself")
		if err != nil {
			return nil, err
		}
		programs = append(programs, real)
	}
	if err := b.libraries(programs); err != nil {
		return nil, err
	}
	for _, d := range containerDirs {
		if err := b.ensureDir(d.path, d.perm, "a container's "+d.path); err != nil {
			return nil, err
		}
	}
	if err := b.etc(o.Hostname); err != nil {
		return nil, err
	}
	return b.m, nil
}

// lookPath finds a program as a shell would in binDirs: the first
// executable regular file of that name (symlinks followed).
func lookPath(name string) (string, bool) {
	for _, dir := range binDirs {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// place puts the host's file src at p in the root (p's directory as on
// the host: /bin/nstool lands in /usr/bin on a merged-/usr host, with /bin
// a symlink to it). It returns the host file, for its libraries.
func (b *builder) place(p, src, why string) (string, error) {
	parent, err := b.install(filepath.Dir(p), why)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(src)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	return real, b.file(filepath.Join(parent, filepath.Base(p)), real, fi, why)
}

// libraries installs, for each program and then each library in turn,
// its interpreter and the shared libraries it needs: the closure the
// dynamic loader will load (ld.so(8)).
func (b *builder) libraries(programs []string) error {
	seen := map[string]bool{}
	queue := append([]string(nil), programs...)
	for len(queue) > 0 {
		obj := queue[0]
		queue = queue[1:]
		if seen[obj] {
			continue
		}
		seen[obj] = true
		n, err := readNeeds(obj)
		if err != nil {
			return fmt.Errorf("%s: %w", obj, err)
		}
		if n.interp != "" {
			real, err := b.install(n.interp, "interpreter of "+obj)
			if err != nil {
				return err
			}
			queue = append(queue, real)
		}
		for _, lib := range n.needed {
			path, ok := findLibrary(lib, n)
			if !ok {
				return fmt.Errorf("%s: needs %s, which is in none of %v", obj, lib, append(n.search, libraryDirs(n.machine, n.class)...))
			}
			real, err := b.install(path, "needed by "+obj)
			if err != nil {
				return err
			}
			queue = append(queue, real)
		}
	}
	return nil
}

// etc writes the minimal /etc: root and nobody (passwd(5), group(5)), the
// hostname (hostname(5)) and the hosts file that names it.
func (b *builder) etc(hostname string) error {
	files := []struct{ path, text string }{
		{"/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"},
		{"/etc/group", "root:x:0:\nnogroup:x:65534:\n"},
		{"/etc/hostname", hostname + "\n"},
		{"/etc/hosts", "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost\n"},
	}
	for _, f := range files {
		w, err := os.OpenFile(b.at(f.path), os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
		if err != nil {
			return err
		}
		_, err = w.WriteString(f.text)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		b.m.Entries = append(b.m.Entries, Entry{Path: f.path, How: Wrote, Why: "a minimal " + f.path})
	}
	return nil
}
