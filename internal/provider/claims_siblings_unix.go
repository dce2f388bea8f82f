//go:build unix

package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// newSiblingClaims is this process's registry in the run of its parent
// process (Terraform), under os.TempDir(), or nil when the directory is not
// safely this user's alone (then claims are compared within this process
// only, and the error says why).
func newSiblingClaims() (siblingClaims, error) {
	base := filepath.Join(os.TempDir(), siblingsBaseName())
	if err := os.Mkdir(base, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	// Records name people: the directory must be this user's, and no
	// link elsewhere (another user may create the name first in /tmp).
	info, err := os.Lstat(base)
	if err != nil {
		return nil, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !info.IsDir() || !ok || int(st.Uid) != os.Getuid() || info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is not a directory that only this user can read; claims are not shared between provider configurations", base)
	}
	self, parent := processIdentityOf(os.Getpid()), os.Getppid()
	return newFileSiblings(base, processIdentityOf(parent), self, nil, overlapping(self, parent)), nil
}

// overlapping tells whether a process lived while self did: it started
// after self (start times compare), or it was running, a child of the same
// parent, when this was called. Where start times are unknown, it knows
// none.
func overlapping(self processIdentity, parent int) func(processIdentity) bool {
	mine, err := strconv.ParseUint(self.Start, 10, 64)
	if err != nil {
		return nil
	}
	running := map[processIdentity]bool{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if start, _, ppid, ok := processStat(pid); ok && ppid == parent {
			running[processIdentity{PID: pid, Start: start}] = true
		}
	}
	return func(p processIdentity) bool {
		start, err := strconv.ParseUint(p.Start, 10, 64)
		return running[p] || (err == nil && start >= mine)
	}
}

// processIdentityOf is a living process's identity.
func processIdentityOf(pid int) processIdentity {
	start, _, _, _ := processStat(pid)
	return processIdentity{PID: pid, Start: start}
}

// processAlive reports whether the process p names is running: the pid
// exists and, where start times are known, started when p says (a pid
// reused by a new process is not p). A zombie is not running.
func processAlive(p processIdentity) bool {
	if p.Start != "" {
		start, state, _, ok := processStat(p.PID)
		return ok && start == p.Start && state != "Z" && state != "X"
	}
	err := syscall.Kill(p.PID, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// processStat reads a process's start time (field 22 of /proc/<pid>/stat,
// in clock ticks since boot), state (field 3) and parent (field 4); ok is
// false when there is no such file (no such process, or no /proc: start
// times unknown).
func processStat(pid int) (start, state string, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", "", 0, false
	}
	// "pid (comm) state ppid …": comm may hold spaces and parentheses.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return "", "", 0, false
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 {
		return "", "", 0, false
	}
	ppid, _ = strconv.Atoi(fields[1])
	return fields[19], fields[0], ppid, true
}
