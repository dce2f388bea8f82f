package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Sibling claims: Terraform starts one provider process per provider
// configuration (an alias is one), so the claims one process keeps in memory
// cannot see a resource planned through another configuration. The provider
// processes of one Terraform run share their claims through files:
//
//	<os.TempDir()>/terraform-provider-polar-claims-<uid>/   this user's, 0700
//	  <pid>-<start>/              one Terraform run: the providers' parent process
//	    <pid>-<start>.jsonl       one provider process: its claim records
//
// A process is named by its pid and, where the system tells it (Linux:
// /proc/<pid>/stat field 22), its start time, so that a pid the system gave
// to a new process is not taken for the one that had it. Each process
// appends its records to its own file, one JSON line per record in one
// write; a reader takes complete lines only (a line without its newline is
// still being written), and a later record with the same token replaces an
// earlier one. (Appending keeps a publish O(1); rewriting the whole file
// through a temporary file and a rename would cost every plan the size of
// every record before it, quadratic over a plan of thousands of seats.)
//
// Others returns the records of the other processes of the run whose life
// overlapped this one's (Containers, the containers they have records
// in): alive now, or (where start times are known) started after this
// process, or running when it started. Terraform closes a
// provider configuration as soon as its resources are planned, often before
// another configuration's resources are: such a process's records still
// count. A process that ended before this one started belongs to an earlier
// walk of the run (the plan walk, when this is the apply walk's re-plan,
// whose processes Terraform ends before it starts the next walk's): its
// records are ignored. Files stay while their run does; the directories of
// Terraform runs that ended (crashes, stale leftovers) are removed. Records
// of this very process are never returned: the resources it plans are
// compared in memory, so the many in-process providers of a `go test`
// process (one pid) never see each other.
//
// What stays out of reach: two Terraform runs (two working directories or
// workspaces, two CI jobs) on one container; where start times are unknown
// (unix other than Linux), a provider configuration whose process Terraform
// has already closed when the other one plans.

// claimRecord and siblingClaims are defined in claims.go.

// processIdentity names a process for as long as it lives: its pid, and its
// start time where the system tells it ("" elsewhere).
type processIdentity struct {
	PID   int
	Start string
}

// String is the identity as a file name: "<pid>-<start>", or "<pid>".
func (p processIdentity) String() string {
	if p.Start == "" {
		return strconv.Itoa(p.PID)
	}
	return strconv.Itoa(p.PID) + "-" + p.Start
}

// parseProcessIdentity reads a name String wrote.
func parseProcessIdentity(name string) (processIdentity, bool) {
	pid, start, _ := strings.Cut(name, "-")
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 || strings.Contains(start, "-") {
		return processIdentity{}, false
	}
	return processIdentity{PID: n, Start: start}, true
}

// siblingsBaseName is the directory under os.TempDir() that holds every
// run's claims of this user.
func siblingsBaseName() string { return fmt.Sprintf("terraform-provider-polar-claims-%d", os.Getuid()) }

// defaultSiblings is this process's registry, shared by every provider
// instance in it; nil (with the reason) where there is none.
var defaultSiblings = sync.OnceValues(newSiblingClaims)

// fileSiblings is siblingClaims through files (see above).
type fileSiblings struct {
	base  string // every run's directory is in it
	run   processIdentity
	self  processIdentity
	alive func(processIdentity) bool
	// overlapped tells whether a process that is no longer alive lived
	// while this one did.
	overlapped func(processIdentity) bool

	mu      sync.Mutex
	swept   bool     // stale runs removed
	file    *os.File // this process's records, opened on the first Publish
	readers map[string]*siblingLog
}

// newFileSiblings is the registry of process self in the run of process
// run, under base. alive tells whether a process lives (nil: ask the
// system); overlapped whether one that ended lived while self did (nil:
// none is known to). Tests give two instances of one process two
// identities.
func newFileSiblings(base string, run, self processIdentity, alive, overlapped func(processIdentity) bool) *fileSiblings {
	if alive == nil {
		alive = processAlive
	}
	if overlapped == nil {
		overlapped = func(processIdentity) bool { return false }
	}
	return &fileSiblings{base: base, run: run, self: self, alive: alive, overlapped: overlapped, readers: map[string]*siblingLog{}}
}

func (s *fileSiblings) runDir() string { return filepath.Join(s.base, s.run.String()) }

// siblingLine is one line of a process's file.
type siblingLine struct {
	Endpoint  string      `json:"endpoint"`
	Container string      `json:"container"` // subscription/<id> or order/<id>
	Record    claimRecord `json:"record"`
}

// Publish appends rec to this process's file; a later record with the same
// token replaces it for readers.
func (s *fileSiblings) Publish(endpoint string, c polar.Container, rec claimRecord) error {
	line, err := json.Marshal(siblingLine{Endpoint: endpoint, Container: containerImportID(c), Record: rec})
	if err != nil {
		return err
	}
	line = append(line, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if s.file == nil {
		if err := os.MkdirAll(s.runDir(), 0o700); err != nil {
			return fmt.Errorf("sharing claims with the other provider configurations: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(s.runDir(), s.self.String()+".jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("sharing claims with the other provider configurations: %w", err)
		}
		s.file = f
	}
	// One write: readers never see half a record (they wait for its newline).
	if _, err := s.file.Write(line); err != nil {
		return fmt.Errorf("sharing claims with the other provider configurations: %w", err)
	}
	return nil
}

// Others returns the latest record of every resource of the other
// processes of this run whose life overlapped this one's, in the container,
// in a stable order.
func (s *fileSiblings) Others(endpoint string, c polar.Container) ([]claimRecord, error) {
	key := endpoint + " " + containerImportID(c)
	var out []claimRecord
	err := s.eachOther(func(l *siblingLog) { out = append(out, l.byKey[key]...) })
	return out, err
}

// Containers returns the containers in which the processes Others reads
// have records, in order.
func (s *fileSiblings) Containers(endpoint string) ([]polar.Container, error) {
	var out []polar.Container
	err := s.eachOther(func(l *siblingLog) {
		for key := range l.byKey {
			if raw, ok := strings.CutPrefix(key, endpoint+" "); ok {
				if c, err := parseContainerID(raw); err == nil && !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	})
	slices.SortFunc(out, func(a, b polar.Container) int { return strings.Compare(a.String(), b.String()) })
	return out, err
}

// eachOther reads what the other processes of this run whose life
// overlapped this one's have appended, and calls f with each one's log,
// in a stable order.
func (s *fileSiblings) eachOther(f func(*siblingLog)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	entries, err := os.ReadDir(s.runDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nobody has published in this run
	}
	if err != nil {
		return fmt.Errorf("reading the claims of the other provider configurations: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".jsonl")
		id, valid := parseProcessIdentity(name)
		if !ok || !valid || id == s.self {
			continue
		}
		if !s.alive(id) && !s.overlapped(id) {
			// It ended before this process started: an earlier walk's.
			delete(s.readers, e.Name())
			continue
		}
		path := filepath.Join(s.runDir(), e.Name())
		r := s.readers[e.Name()]
		if r == nil {
			r = &siblingLog{byKey: map[string][]claimRecord{}}
			s.readers[e.Name()] = r
		}
		if err := r.readNew(path); err != nil {
			return fmt.Errorf("reading the claims of the other provider configurations: %w", err)
		}
		f(r)
	}
	return nil
}

// sweep removes, once, the directories of runs whose Terraform process has
// ended. Called with s.mu held.
func (s *fileSiblings) sweep() {
	if s.swept {
		return
	}
	s.swept = true
	entries, _ := os.ReadDir(s.base)
	for _, e := range entries {
		if id, ok := parseProcessIdentity(e.Name()); ok && e.IsDir() && id != s.run && !s.alive(id) {
			_ = os.RemoveAll(filepath.Join(s.base, e.Name()))
		}
	}
}

// siblingLog is what has been read of another process's file.
type siblingLog struct {
	offset int64
	byKey  map[string][]claimRecord // endpoint and container → records, one per token
}

// readNew reads the complete lines appended since the last read.
func (l *siblingLog) readNew(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed since it was listed
	}
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(l.offset, io.SeekStart); err != nil {
		return err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		return nil // nothing complete yet
	}
	for raw := range bytes.Lines(data[:end+1]) {
		var line siblingLine
		if json.Unmarshal(raw, &line) != nil {
			continue // not a record of ours
		}
		key := line.Endpoint + " " + line.Container
		recs := l.byKey[key]
		if i := slices.IndexFunc(recs, func(r claimRecord) bool { return r.Token == line.Record.Token }); i >= 0 {
			recs[i] = line.Record
		} else {
			l.byKey[key] = append(recs, line.Record)
		}
	}
	l.offset += int64(end + 1)
	return nil
}
