package labs

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// buildRoot gives the sandbox a root of its own: a tmpfs holding a
// recursive bind of each of the host's top-level directories, a fresh
// /proc for the new PID namespace, a fresh /tmp, the lab's work area /lab
// and the engine's /.nstool. Nothing is created on the host's filesystems.
func buildRoot(stages Stages) error {
	exe, err := os.Open("/proc/self/exe")
	if err != nil {
		return err
	}
	defer exe.Close()
	// Make every mount we inherited private first, so that nothing below
	// propagates back to the host, whatever the host's / is
	// (mount_namespaces(7): a copied shared mount stays in its peer group).
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making / private: %w", err)
	}
	// /tmp exists everywhere: the new root is staged on a tmpfs there.
	const newRoot = "/tmp"
	if err := unix.Mount("nstool-lab-root", newRoot, "tmpfs", 0, "mode=0755,size=64m"); err != nil {
		return fmt.Errorf("mounting the sandbox root: %w", err)
	}
	ents, err := os.ReadDir("/")
	if err != nil {
		return err
	}
	for _, e := range ents {
		name := e.Name()
		src, dst := "/"+name, newRoot+"/"+name
		switch {
		case name == "tmp" || name == "proc" || name == "lab" || name == ".nstool":
			continue
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(src)
			if err == nil {
				_ = os.Symlink(target, dst)
			}
		case e.IsDir():
			if err := os.Mkdir(dst, 0o755); err != nil {
				return err
			}
			if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				// A directory the sandbox may not bind (an automount, a
				// mount a user namespace may not see) stays out of it.
				os.Remove(dst)
			}
		}
	}
	for _, d := range []string{"proc", "tmp", "lab", ".nstool/bin"} {
		if err := os.MkdirAll(newRoot+"/"+d, 0o755); err != nil {
			return err
		}
	}
	os.Chmod(newRoot+"/tmp", 0o1777)
	// A fresh procfs for the new PID namespace: `ps` shows the lab's
	// processes only, with the PIDs checks use. Mounted while the host's
	// /proc is still visible (proc(5): a user namespace may only mount proc
	// where a full proc is already visible).
	if err := unix.Mount("proc", newRoot+"/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	if err := unix.Mount("tmpfs", newRoot+"/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777,size=64m"); err != nil {
		return err
	}
	if err := unix.Mount("lab", newRoot+LabDir, "tmpfs", 0, "mode=0755,size=64m"); err != nil {
		return err
	}
	bin, err := os.OpenFile(newRoot+SandboxDir+"/bin/nstool", os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(bin, exe); err != nil {
		bin.Close()
		return err
	}
	if err := bin.Close(); err != nil {
		return err
	}
	if err := writeShellFiles(newRoot+SandboxDir, stages); err != nil {
		return err
	}
	// pivot_root(2): the staged tmpfs becomes /, the old root is detached.
	if err := os.Mkdir(newRoot+"/.oldroot", 0o700); err != nil {
		return err
	}
	if err := unix.PivotRoot(newRoot, newRoot+"/.oldroot"); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Unmount("/.oldroot", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the old root: %w", err)
	}
	return os.Remove("/.oldroot")
}

// writeShellFiles writes the learner's shell: labsh (what $SHELL names) and
// its bashrc, whose prompt names the lab, the step and the namespace
// (stages.Prompt) and which completes nstool's commands (stages.Completion).
func writeShellFiles(dir string, stages Stages) error {
	prompt, completion, note := shellLine(stages.Prompt), shellLine(stages.Completion), shellLine(stages.StepNote)
	enter := shellLine(stages.Enter)
	bashrc := `# nstool lab shell: the system's defaults, nstool's completion, the lab's prompt.
[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc
if [ -f /usr/share/bash-completion/bash_completion ]; then
	. /usr/share/bash-completion/bash_completion
	. <(` + completion + ` 2>/dev/null)
fi
if [ "$NSTOOL_LAB_COLOR" = 1 ]; then
	PS1='\[\e[1;36m\]$(` + prompt + ` 2>/dev/null || echo "[lab]")\[\e[0m\] \w # '
else
	PS1='$(` + prompt + ` 2>/dev/null || echo "[lab]") \w # '
fi
alias ls='ls --color=auto'
if [ -n "$NSTOOL_LAB_SECOND" ]; then
	# A second terminal: told at its next prompt when the lab moves on.
	PROMPT_COMMAND='__nstool_step=$(` + note + ` "$__nstool_step")'
fi
if [ -n "$NSTOOL_LAB_ENTER" ]; then
	# Going on from a step: the earlier steps left a shell in a namespace of
	# its own; this one opens there, and exit comes back here.
	__nstool_enter=$NSTOOL_LAB_ENTER; unset NSTOOL_LAB_ENTER
	` + enter + ` "$__nstool_enter"
fi
`
	labsh := `#!/bin/sh
# nstool lab: the shell for every namespace of the sandbox, with the lab's prompt.
exec bash --rcfile ` + SandboxDir + `/bashrc "$@"
`
	if err := os.WriteFile(dir+"/bashrc", []byte(bashrc), 0o644); err != nil {
		return err
	}
	return os.WriteFile(dir+"/bin/labsh", []byte(labsh), 0o755)
}
