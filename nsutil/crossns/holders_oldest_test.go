package crossns

import (
	"os/exec"
	"testing"
)

// The free line names the member that started first, not the lowest PID:
// PIDs wrap, and a process started later is the likelier to be gone when
// the line is run. PID 1 started before anything this test starts; a PID
// that is no process is passed over.
func TestFreeLineNamesTheOldestMember(t *testing.T) {
	child := exec.Command("sleep", "1000")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { child.Process.Kill(); child.Wait() }()
	kid := child.Process.Pid
	for _, c := range []struct {
		pids []int
		want int
	}{
		{[]int{kid, 1}, 1},
		{[]int{1, kid}, 1},
		{[]int{1 << 30, kid}, kid},
		{[]int{1 << 30}, 1 << 30},
	} {
		if got := oldest(c.pids); got != c.want {
			t.Errorf("oldest(%v) = %d, want %d", c.pids, got, c.want)
		}
	}
}
