package provider

import (
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// A process that ended but is not yet reaped (a zombie) is not running:
// its records are not those of a live provider process.
func TestSiblingClaims_process_aliveZombie(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child := processIdentityOf(cmd.Process.Pid)
	// Wait until it has ended without reaping it (WNOWAIT): a zombie.
	var info unix.Siginfo
	if err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
		t.Fatal(err)
	}
	if processAlive(child) {
		t.Errorf("the zombie %v is taken as running", child)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}
