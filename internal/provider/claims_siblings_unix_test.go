//go:build unix

package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The real process checks: this process is alive, a pid with another start
// time is not (the system reused it), nor is a process that ended.
func TestSiblingClaims_process_alive(t *testing.T) {
	t.Parallel()
	self := processIdentityOf(os.Getpid())
	if !processAlive(self) {
		t.Fatalf("this process (%v) is not alive", self)
	}
	if runtime.GOOS == "linux" {
		if self.Start == "" {
			t.Fatal("no start time on Linux")
		}
		if processAlive(processIdentity{PID: self.PID, Start: self.Start + "0"}) {
			t.Fatal("a pid with another start time is taken for this process")
		}
	}
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child := processIdentityOf(cmd.Process.Pid)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if processAlive(child) {
		t.Fatalf("%v ended and is taken as running", child)
	}
}

// siblingHelperEnv makes the test binary a provider process of the run of
// the test: it publishes a record, says so, waits to be told to look, and
// prints what it sees.
const siblingHelperEnv = "POLAR_TEST_SIBLING_HELPER"

// Real processes of one run find each other: two processes with the same
// parent (this test stands for Terraform) each publish a record through
// the registry every provider process builds (newSiblingClaims: real pids,
// start times and parent). The first looks and ends (as Terraform closes a
// provider configuration whose resources are planned); the second then
// still sees its record. A third process, started once both have ended (as
// the apply walk's processes start after the plan walk's end), sees
// neither. The processes are told when to look and when to end (no sleeps).
func TestSiblingClaims_processes_ofOneRunSeeEachOther(t *testing.T) {
	if mode := os.Getenv(siblingHelperEnv); mode != "" {
		siblingHelper(mode)
		return
	}
	t.Parallel()
	tmp := t.TempDir()
	start := func(mode string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSiblingClaims_processes_ofOneRunSeeEachOther$")
		cmd.Env = append(os.Environ(), siblingHelperEnv+"="+mode, "TMPDIR="+tmp)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, in, bufio.NewReader(out)
	}
	readLine := func(r *bufio.Reader) string {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("helper: %v (read %q)", err, line)
		}
		return strings.TrimSpace(line)
	}
	type helper struct {
		cmd *exec.Cmd
		in  io.WriteCloser
		out *bufio.Reader
	}
	var hs []helper
	for range 2 {
		cmd, in, out := start("publish")
		hs = append(hs, helper{cmd, in, out})
	}
	var tokens []string
	for _, h := range hs {
		tokens = append(tokens, readLine(h.out)) // published
	}
	// Each looks in turn and ends: the second looks after the first ended.
	for i, h := range hs {
		if _, err := io.WriteString(h.in, "look\n"); err != nil {
			t.Fatal(err)
		}
		var seen []string
		if err := json.Unmarshal([]byte(readLine(h.out)), &seen); err != nil {
			t.Fatal(err)
		}
		if want := []string{tokens[1-i]}; !slices.Equal(seen, want) {
			t.Errorf("process %s sees %v, want %v", tokens[i], seen, want)
		}
		_ = h.in.Close()
		if err := h.cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	runDir := filepath.Join(tmp, siblingsBaseName(), processIdentityOf(os.Getpid()).String())
	if files, _ := os.ReadDir(runDir); len(files) != 2 {
		t.Fatalf("the run directory %s holds %d files, want one per process", runDir, len(files))
	}

	cmd, in, out := start("look")
	if _, err := io.WriteString(in, "look\n"); err != nil {
		t.Fatal(err)
	}
	if got := readLine(out); got != "[]" {
		t.Errorf("a process started after both ended sees %s", got)
	}
	_ = in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// siblingHelper is one provider process of
// TestSiblingClaims_processes_ofOneRunSeeEachOther: it publishes (mode
// "publish"), waits for a line on stdin, prints what it sees, and lives
// until stdin closes (a sibling that ended would not be seen).
func siblingHelper(mode string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "sibling helper:", err)
		os.Exit(2)
	}
	s, err := newSiblingClaims()
	if err != nil {
		fail(err)
	}
	self := processIdentityOf(os.Getpid()).String()
	if mode == "publish" {
		if err := s.Publish("e", sibSub, claimRecord{Token: self}); err != nil {
			fail(err)
		}
		fmt.Println(self)
	}
	in := bufio.NewReader(os.Stdin)
	if _, err := in.ReadString('\n'); err != nil {
		fail(err)
	}
	recs, err := s.Others("e", sibSub)
	if err != nil {
		fail(err)
	}
	seen := []string{}
	for _, r := range recs {
		seen = append(seen, r.Token)
	}
	b, _ := json.Marshal(seen)
	fmt.Println(string(b))
	_, _ = io.Copy(io.Discard, in)
	os.Exit(0)
}
