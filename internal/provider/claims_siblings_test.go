package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// The sibling registry with identities the test gives (two provider
// instances of one process acting as two processes), and a liveness the
// test decides. The real process checks are in claims_siblings_unix_test.go.

// liveSet is a liveness the test decides.
type liveSet struct {
	mu   sync.Mutex
	dead map[processIdentity]bool
}

func (l *liveSet) alive(p processIdentity) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.dead[p]
}

func (l *liveSet) kill(p processIdentity) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead == nil {
		l.dead = map[processIdentity]bool{}
	}
	l.dead[p] = true
}

var (
	sibRun  = processIdentity{PID: 100, Start: "5000"}
	sibA    = processIdentity{PID: 101, Start: "5001"}
	sibB    = processIdentity{PID: 102, Start: "5002"}
	sibSub  = polar.Container{Kind: polar.ContainerSubscription, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}
	sibSub2 = polar.Container{Kind: polar.ContainerSubscription, ID: "9c3a2e4d-6f5b-4a7c-9d8e-0f9a8b7c6d5e"}
)

// sibPair is two processes a and b of one run in a new directory, with a
// liveness the test decides.
func sibPair(t *testing.T) (base string, live *liveSet, a, b *fileSiblings) {
	base, live = t.TempDir(), &liveSet{}
	return base, live, newFileSiblings(base, sibRun, sibA, live.alive, nil), newFileSiblings(base, sibRun, sibB, live.alive, nil)
}

func tokens(recs []claimRecord) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Token+"/"+r.Resource)
	}
	slices.Sort(out)
	return out
}

func mustPublish(t *testing.T, s siblingClaims, endpoint string, c polar.Container, rec claimRecord) {
	t.Helper()
	if err := s.Publish(endpoint, c, rec); err != nil {
		t.Fatal(err)
	}
}

func mustOthers(t *testing.T, s siblingClaims, endpoint string, c polar.Container) []string {
	t.Helper()
	recs, err := s.Others(endpoint, c)
	if err != nil {
		t.Fatal(err)
	}
	return tokens(recs)
}

// Two registries of one run with different identities see each other's
// records, never their own; per endpoint and container; a record with the
// same token replaces the earlier one; every field survives the file.
func TestSiblingClaims_registry_twoProcessesSeeEachOther(t *testing.T) {
	t.Parallel()
	_, _, a, b := sibPair(t)
	const api = "https://api.polar.sh"

	if got := mustOthers(t, a, api, sibSub); len(got) != 0 {
		t.Fatalf("before anyone published: %v", got)
	}
	full := claimRecord{Token: "t1", Resource: "team", Exclusive: true, Keys: []string{"email=alice@acme.io"}, Held: []string{"s1"}, Removed: []string{"s2"}}
	mustPublish(t, a, api, sibSub, full)
	mustPublish(t, a, api, sibSub2, claimRecord{Token: "t2", Resource: "other container"})
	mustPublish(t, a, "https://sandbox-api.polar.sh", sibSub, claimRecord{Token: "t3", Resource: "other server"})
	mustPublish(t, b, api, sibSub, claimRecord{Token: "u1", Resource: "seat", Single: true})

	if got := mustOthers(t, a, api, sibSub); !slices.Equal(got, []string{"u1/seat"}) {
		t.Fatalf("a sees %v, want b's record only", got)
	}
	recs, err := b.Others(api, sibSub)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || fmt.Sprintf("%+v", recs[0]) != fmt.Sprintf("%+v", full) {
		t.Fatalf("b sees %+v, want %+v", recs, full)
	}
	// A later plan of the same resource replaces its record.
	mustPublish(t, a, api, sibSub, claimRecord{Token: "t1", Resource: "team again"})
	if got := mustOthers(t, b, api, sibSub); !slices.Equal(got, []string{"t1/team again"}) {
		t.Fatalf("b sees %v after a replaced its record", got)
	}
	if got := mustOthers(t, b, api, sibSub2); !slices.Equal(got, []string{"t2/other container"}) {
		t.Fatalf("b sees %v in the other container", got)
	}
}

// Containers lists, per endpoint, the containers in which the other
// processes have records — not its own, nor the plans whose container is
// known only at apply (their records are asked for by Others(unplaced)).
func TestSiblingClaims_registry_containersOfTheOthers(t *testing.T) {
	t.Parallel()
	_, _, a, b := sibPair(t)
	const api = "https://api.polar.sh"
	mustPublish(t, a, api, sibSub, claimRecord{Token: "a1", Resource: "mine"})
	mustPublish(t, b, api, sibSub2, claimRecord{Token: "b1", Resource: "team"})
	mustPublish(t, b, api, sibSub, claimRecord{Token: "b2", Resource: "seat"})
	mustPublish(t, b, api, unplaced, claimRecord{Token: "b3", Resource: "unplaced"})
	mustPublish(t, b, "https://sandbox-api.polar.sh", sibSub, claimRecord{Token: "b4", Resource: "other server"})
	got, err := a.Containers(api)
	want := []polar.Container{sibSub, sibSub2}
	slices.SortFunc(want, func(x, y polar.Container) int { return strings.Compare(x.String(), y.String()) })
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("a sees containers %v (%v), want %v", got, err, want)
	}
	if got := mustOthers(t, a, api, unplaced); !slices.Equal(got, []string{"b3/unplaced"}) {
		t.Fatalf("a sees %v unplaced, want b's", got)
	}
	if got, err := b.Containers(api); err != nil || !slices.Equal(got, []polar.Container{sibSub}) {
		t.Fatalf("b sees containers %v (%v), want a's only", got, err)
	}
}

// The records of a process that ended count only if it lived while the
// reader did (a provider configuration Terraform closed once its resources
// were planned), not if it ended before (an earlier walk of the run). The
// directory of a Terraform run that ended is removed, and nothing else.
func TestSiblingClaims_registry_processesThatEndedAndStaleRuns(t *testing.T) {
	t.Parallel()
	base, live, a, b := sibPair(t)
	overlapped := func(p processIdentity) bool { return p == sibB }
	later := newFileSiblings(base, sibRun, processIdentity{PID: 104, Start: "5004"}, live.alive, overlapped)
	mustPublish(t, b, "e", sibSub, claimRecord{Token: "u1", Resource: "seat"})
	if got := mustOthers(t, a, "e", sibSub); len(got) != 1 {
		t.Fatalf("a sees %v", got)
	}
	live.kill(sibB)
	if got := mustOthers(t, a, "e", sibSub); len(got) != 0 {
		t.Fatalf("a sees %v from a process that ended before it started", got)
	}
	if got := mustOthers(t, later, "e", sibSub); !slices.Equal(got, []string{"u1/seat"}) {
		t.Fatalf("a process that lived while b did sees %v after b ended", got)
	}

	// Runs: one whose Terraform ended, one still running, this one.
	ended, running := processIdentity{PID: 200, Start: "1"}, processIdentity{PID: 300, Start: "2"}
	for _, run := range []processIdentity{ended, running} {
		dir := filepath.Join(base, run.String())
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "400-9.jsonl"), []byte("{}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	live.kill(ended)
	c := newFileSiblings(base, sibRun, processIdentity{PID: 103, Start: "5003"}, live.alive, nil)
	if _, err := c.Others("e", sibSub); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(base, ended.String())); !os.IsNotExist(err) {
		t.Fatalf("the directory of the run that ended is still there: %v", err)
	}
	for _, run := range []processIdentity{running, sibRun} {
		if _, err := os.Stat(filepath.Join(base, run.String())); err != nil {
			t.Fatalf("the directory of a running run was removed: %v", err)
		}
	}
}

// A record is read only once its line is complete: a reader never sees
// half of one, and picks it up when the rest arrives.
func TestSiblingClaims_registry_halfWrittenRecordIsNotRead(t *testing.T) {
	t.Parallel()
	base, _, a, _ := sibPair(t)
	mustPublish(t, a, "e", sibSub, claimRecord{Token: "t0"}) // creates the run directory
	line := `{"endpoint":"e","container":"subscription/` + sibSub.ID + `","record":{"token":"u1","resource":"seat"}}` + "\n"
	path := filepath.Join(base, sibRun.String(), sibB.String()+".jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.WriteString(line[:30]); err != nil {
		t.Fatal(err)
	}
	if got := mustOthers(t, a, "e", sibSub); len(got) != 0 {
		t.Fatalf("a half-written record was read: %v", got)
	}
	if _, err := f.WriteString(line[30:]); err != nil {
		t.Fatal(err)
	}
	if got := mustOthers(t, a, "e", sibSub); !slices.Equal(got, []string{"u1/seat"}) {
		t.Fatalf("the completed record reads as %v", got)
	}
}

// Concurrent publishes of two processes, with readers at the same time:
// every record arrives whole, once.
func TestSiblingClaims_registry_concurrentPublish(t *testing.T) {
	t.Parallel()
	_, _, a, b := sibPair(t)
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		for _, s := range []*fileSiblings{a, b} {
			wg.Go(func() {
				rec := claimRecord{Token: fmt.Sprintf("%s-%d", s.self, i), Keys: []string{fmt.Sprintf("email=p%d@acme.io", i)}}
				if err := s.Publish("e", sibSub, rec); err != nil {
					t.Error(err)
				}
				if _, err := s.Others("e", sibSub); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	for _, c := range []struct {
		reader *fileSiblings
		writer processIdentity
	}{{a, sibB}, {b, sibA}} {
		recs, err := c.reader.Others("e", sibSub)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range recs {
			var i int
			if _, err := fmt.Sscanf(r.Token, c.writer.String()+"-%d", &i); err != nil || seen[r.Token] || len(r.Keys) != 1 || r.Keys[0] != fmt.Sprintf("email=p%d@acme.io", i) {
				t.Fatalf("record %+v (err %v, seen before %v)", r, err, seen[r.Token])
			}
			seen[r.Token] = true
		}
		if len(seen) != n {
			t.Fatalf("%s sees %d records of %s, want %d", c.reader.self, len(seen), c.writer, n)
		}
	}
}

// Process identities round-trip through file names; other names are not
// taken for one.
func TestSiblingClaims_process_identityNames(t *testing.T) {
	t.Parallel()
	for _, p := range []processIdentity{{PID: 42, Start: "123456"}, {PID: 7}} {
		if got, ok := parseProcessIdentity(p.String()); !ok || got != p {
			t.Errorf("%v → %q → %v %v", p, p.String(), got, ok)
		}
	}
	for _, name := range []string{"", "x", "-1", "0-5", "12-3-4", "12.jsonl.tmp"} {
		if p, ok := parseProcessIdentity(name); ok {
			t.Errorf("%q read as %v", name, p)
		}
	}
}
