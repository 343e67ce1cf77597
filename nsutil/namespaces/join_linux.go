package namespaces

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// onSpareThread runs fn on a locked OS thread that is not the main thread
// and that ends with fn: a thread fn moved into another namespace must
// never run Go code again. A goroutine that exits locked ends its thread,
// except on the main thread (the runtime keeps that one: /proc/self/ns
// names the main thread's namespaces), so when the goroutine lands there,
// it holds it and hands fn to a second goroutine, which cannot run on a
// thread locked to another.
func onSpareThread(fn func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			fn()
			close(done)
			return // locked: the thread ends
		}
		inner := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			fn()
			close(inner)
		}()
		<-inner
		runtime.UnlockOSThread() // the main thread was not touched
		close(done)
	}()
	<-done
}

// InMount runs fn on a spare thread (onSpareThread) that has joined the
// mount namespace of the nsfs file at path, as umount -N does: there the
// thread's root and working directory are the namespace's root
// (setns(2)), so relative paths start from it, and its mount table is
// /proc/thread-self/mountinfo (/proc/self is the main thread's). It returns
// the error of opening or joining, with fn not run; fn reports its own.
func InMount(path string, fn func()) error {
	var err error
	onSpareThread(func() {
		var fd int
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		defer unix.Close(fd)
		// setns(2) into a mount namespace needs a thread that shares no
		// filesystem attributes (root, cwd) with the others.
		if err = unix.Unshare(unix.CLONE_FS); err != nil {
			return
		}
		if err = unix.Setns(fd, unix.CLONE_NEWNS); err != nil {
			return
		}
		fn()
	})
	return err
}
