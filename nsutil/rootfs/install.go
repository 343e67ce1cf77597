package rootfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// builder makes a root in dir.
type builder struct {
	dir   string
	m     *Manifest
	paths map[string]string // host path (as asked for) → the host file it is
	dirs  map[string]bool   // directories made or checked in the root
	links map[string]bool   // symlinks made in the root
}

// maxLinks is how many symlinks a path may go through (path_resolution(7):
// ELOOP after 40).
const maxLinks = 40

// install makes the host's path p exist in the root as on the host: each
// symlink on the way is made again with the same target, directories are
// made, and the file at the end is linked or copied. It returns the host
// file p is (no symlinks left).
func (b *builder) install(p, why string) (string, error) {
	return b.installDepth(filepath.Clean(p), why, 0)
}

func (b *builder) installDepth(p, why string, depth int) (string, error) {
	if real, ok := b.paths[p]; ok {
		return real, nil
	}
	if depth > maxLinks {
		return "", &os.PathError{Op: "install", Path: p, Err: syscall.ELOOP}
	}
	// Find the first symlink on the way, if any.
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := "/"
	for i, part := range parts {
		next := filepath.Join(cur, part)
		fi, err := os.Lstat(next)
		if err != nil {
			return "", err
		}
		last := i == len(parts)-1
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(next)
			if err != nil {
				return "", err
			}
			if err := b.symlink(next, target, why); err != nil {
				return "", err
			}
			resolved := target
			if !filepath.IsAbs(target) {
				resolved = filepath.Join(cur, target)
			}
			real, err := b.installDepth(filepath.Join(append([]string{resolved}, parts[i+1:]...)...), why, depth+1)
			if err == nil {
				b.paths[p] = real
			}
			return real, err
		case fi.IsDir():
			if err := b.mkdir(next, fi.Mode().Perm(), last, why); err != nil {
				return "", err
			}
		case last && fi.Mode().IsRegular():
			if err := b.file(next, next, fi, why); err != nil {
				return "", err
			}
		default:
			return "", fmt.Errorf("%s: not a regular file, directory or symlink", next)
		}
		cur = next
	}
	b.paths[p] = p
	return p, nil
}

// at is the root's path for the root-absolute path p.
func (b *builder) at(p string) string { return filepath.Join(b.dir, p) }

// mkdir makes directory p of the root (its parents are made already, by
// install's walk or by ensureDir). A directory there already is fine; a
// symlink is not: nothing is ever written through one.
func (b *builder) mkdir(p string, perm os.FileMode, record bool, why string) error {
	if b.dirs[p] {
		return nil
	}
	err := os.Mkdir(b.at(p), perm)
	switch {
	case err == nil:
		// Mkdir's mode goes through the umask (umask(2)).
		if err := os.Chmod(b.at(p), perm); err != nil {
			return err
		}
		if record {
			b.m.Entries = append(b.m.Entries, Entry{Path: p, How: MadeDir, Why: why})
		}
	case errors.Is(err, os.ErrExist):
		fi, err := os.Lstat(b.at(p))
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s: in the root, not a directory", p)
		}
	default:
		return err
	}
	b.dirs[p] = true
	return nil
}

// ensureDir makes directory p of the root and its parents, each as a
// plain directory (mode 0755) unless made already.
func (b *builder) ensureDir(p string, perm os.FileMode, why string) error {
	if p == "/" {
		return nil
	}
	if err := b.ensureDir(filepath.Dir(p), 0o755, ""); err != nil {
		return err
	}
	return b.mkdir(p, perm, why != "", why)
}

// symlink makes p of the root a symlink to target, as on the host.
func (b *builder) symlink(p, target, why string) error {
	if b.links[p] {
		return nil
	}
	if err := os.Symlink(target, b.at(p)); err != nil {
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		if have, err := os.Readlink(b.at(p)); err != nil || have != target {
			return fmt.Errorf("%s: in the root, not a symlink to %s", p, target)
		}
	} else {
		b.m.Entries = append(b.m.Entries, Entry{Path: p, How: Symlinked, From: target, Why: why})
	}
	b.links[p] = true
	return nil
}

// file makes p of the root the host's file src: a hard link when the
// root is on src's filesystem, a copy otherwise (link(2): EXDEV).
func (b *builder) file(p, src string, fi os.FileInfo, why string) error {
	dst := b.at(p)
	how := Linked
	if err := os.Link(src, dst); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil // made by an earlier program
		}
		how = Copied
		if err := copyFile(src, dst, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	b.m.Entries = append(b.m.Entries, Entry{Path: p, How: how, From: src, Why: why})
	b.m.Bytes += fi.Size()
	return nil
}

// copyFile copies src to a new file dst (never through a symlink); io.Copy
// between two files uses copy_file_range(2).
func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Chmod(perm); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
