// Package emulator is an in-memory emulator of Polar's customer-seats API,
// faithful to the real server's behaviour, with a fixture format and an
// /__emulator/ control API for tests. Its manual is README.md beside this
// file.
package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

const (
	invitationTTL   = 24 * time.Hour
	maxBodyBytes    = 10 << 20
	defaultVersion  = "2026-04"
	deprecationNote = "The /api/v1 prefix is deprecated; use /v1."
)

var supportedVersions = map[string]bool{"2026-04": true, "2026-10": true}

var versionPattern = regexp.MustCompile(`^\d{4}-\d{2}$`)

// Server is the emulator: an http.Handler serving /v1/customer-seats* and
// /__emulator/*. It is safe for concurrent use.
type Server struct {
	mu      sync.Mutex
	w       *world
	offset  time.Duration
	faults  []*Fault
	counts  counters
	windows map[string]*window
	// Holds (hold.go): armed ones in order, and every one not yet done.
	holds       []*Held
	holding     map[*Held]struct{}
	holdsClosed bool
	// Sandbox adds the X-Polar-Sandbox header, as the sandbox does.
	Sandbox bool
}

type counters struct {
	Total    int            `json:"total"`
	ByRoute  map[string]int `json:"by_route"`
	ByStatus map[string]int `json:"by_status"`
}

type window struct {
	start time.Time
	count int
}

// Fault is a test hook queued by InjectFault or POST /__emulator/faults: the
// next Times requests matching Method (empty: any) and Path (exact, a
// prefix ending in "*", or a route template such as
// "/v1/customer-seats/{seat_id}") are answered Status with a Polar error
// body and no side effect (Kind "status"), applied and then cut off without
// an answer ("drop_after_commit"), or handled after DelayMS milliseconds
// ("delay"). Times 0 means 1.
type Fault struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Kind    string `json:"kind"`
	Status  int    `json:"status"`
	Times   int    `json:"times"`
	DelayMS int    `json:"delay_ms"`
}

// requestMatch is which requests a fault or a hold applies to: a method
// (empty: any) and a path, exact, a prefix ending in "*", or a route
// template matched against the route's key.
type requestMatch struct{ method, path string }

func (m requestMatch) matches(method, path, routeKey string) bool {
	if m.method+" "+m.path == routeKey {
		return true
	}
	if m.method != "" && !strings.EqualFold(m.method, method) {
		return false
	}
	if p, ok := strings.CutSuffix(m.path, "*"); ok {
		return strings.HasPrefix(path, p)
	}
	return m.path == path
}

// New returns an emulator seeded with f (nil: the built-in demo fixture).
func New(f *Fixture) (*Server, error) {
	s := &Server{holding: map[*Held]struct{}{}}
	if f == nil {
		f = DemoFixture()
	}
	if err := s.reset(f); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadFixture parses a fixture document.
func LoadFixture(data []byte) (*Fixture, error) {
	var f Fixture
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

func (s *Server) reset(f *Fixture) error {
	w, err := load(f, s.nowLocked())
	if err != nil {
		return err
	}
	s.w = w
	s.offset = 0
	s.faults = nil
	s.resetCounters()
	s.windows = map[string]*window{}
	return nil
}

func (s *Server) resetCounters() {
	s.counts = counters{ByRoute: map[string]int{}, ByStatus: map[string]int{}}
}

// nowLocked is the emulator clock: wall time plus the control API's offset,
// at microsecond precision as Polar stores it.
func (s *Server) nowLocked() time.Time {
	return time.Now().UTC().Add(s.offset).Truncate(time.Microsecond)
}

// Requests returns a copy of the request counters.
func (s *Server) Requests() (total int, byRoute map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byRoute = make(map[string]int, len(s.counts.ByRoute))
	for k, v := range s.counts.ByRoute {
		byRoute[k] = v
	}
	return s.counts.Total, byRoute
}

// statusRecorder captures the response so that drop_after_commit can throw it
// away and counters can see the status.
type statusRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *statusRecorder) Header() http.Header { return r.header }
func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/__emulator/") {
		s.control(w, r)
		return
	}
	rec := &statusRecorder{header: http.Header{}}
	path := r.URL.Path
	legacy := false
	if p, ok := strings.CutPrefix(path, "/api/v1/"); ok || path == "/api/v1" {
		path, legacy = "/v1/"+p, true
	}
	match := matchRoute(r.Method, path)
	// Counters, holds and faults see "/v1/customer-seats/" as the collection.
	rt := matchRoute(r.Method, strings.TrimSuffix(path, "/")).key

	// Holds and faults are test hooks: matched on the real path, or on the
	// route's template ("/v1/customer-seats/{seat_id}"). A held request
	// waits here, outside the lock, for the test's decision.
	var drop bool
	if h := s.takeHold(r.Method, path, rt); h != nil {
		defer h.finished()
		switch h.await(r) {
		case holdDrop:
			hangUp(w)
			return
		case holdLandSilently:
			drop = true
		}
	}
	if f := s.takeFault(r.Method, path, rt); f != nil {
		switch f.Kind {
		case "delay":
			// A slow server finishes its work even when the client has
			// gone away, as Polar's does: the delay is not cut short.
			time.Sleep(time.Duration(f.DelayMS) * time.Millisecond)
		case "status":
			s.write(rec, injectedFault(f.Status))
			s.finish(w, rec, rt, false)
			return
		case "drop_after_commit":
			drop = true
		}
	}
	if legacy {
		rec.Header().Set("X-Polar-Deprecation-Notice", deprecationNote)
	}
	s.serveAPI(rec, r, path, match)
	s.finish(w, rec, rt, drop)
}

// injectedFault is the answer of a "status" fault (0: 503).
func injectedFault(status int) answer {
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	return reply(status, polarErr("InjectedFault", fmt.Sprintf("Injected fault: %d %s", status, http.StatusText(status))))
}

func (s *Server) finish(w http.ResponseWriter, rec *statusRecorder, rt string, drop bool) {
	s.mu.Lock()
	s.counts.Total++
	s.counts.ByRoute[rt]++
	s.counts.ByStatus[strconv.Itoa(rec.status)]++
	// Polar's Date header, from the emulator's clock (which tests move).
	date := s.nowLocked().UTC().Format(http.TimeFormat)
	s.mu.Unlock()
	rec.header.Set("Date", date)
	if drop {
		hangUp(w)
		return
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (s *Server) takeFault(method, path, routeKey string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (requestMatch{method: f.Method, path: f.Path}).matches(method, path, routeKey) {
			f.Times--
			if f.Times <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			cp := *f
			return &cp
		}
	}
	return nil
}

// principal is who a request authenticated as.
type principal struct {
	org    *org
	scopes map[string]bool
}

// serveAPI applies Polar's middleware order (version, length, rate limit,
// token, routing) and dispatches.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, path string, match routeMatch) {
	version, supported := polarVersion(r.Header.Get("Polar-Version"))
	w.Header().Set("Polar-Version", version)
	if !supported {
		s.write(w, reply(http.StatusNotFound, map[string]string{"detail": "Not Found"}))
		return
	}
	who, refusal := s.admit(r)
	switch {
	case refusal != nil:
		s.write(w, *refusal)
	case path == "/v1/customer-seats/":
		target := "/v1/customer-seats"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		s.write(w, reply(http.StatusTemporaryRedirect, nil).withHeader("Location", target))
	case match.route != nil:
		match.route.handle(s, w, r, apiCall{who: who, params: match.params})
	case match.allow != "":
		s.write(w, reply(http.StatusMethodNotAllowed, map[string]string{"detail": "Method Not Allowed"}).withHeader("Allow", match.allow))
	default:
		s.write(w, reply(http.StatusNotFound, map[string]string{"detail": "Not Found"}))
	}
}

// polarVersion is the Polar-Version a request selects (none: the default)
// and whether it is supported; an unsupported one answers with the default.
func polarVersion(asked string) (string, bool) {
	if asked == "" {
		return defaultVersion, true
	}
	if !versionPattern.MatchString(asked) || !supportedVersions[asked] {
		return defaultVersion, false
	}
	return asked, true
}

// admit runs the middleware between the version and the routes: the body's
// length (411, 413), the rate limit keyed by identity (429), and the bearer
// token, checked on every route (401). It returns who is calling (nil:
// nobody) or the refusal.
func (s *Server) admit(r *http.Request) (*principal, *answer) {
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		if r.ContentLength < 0 || (r.ContentLength == 0 && r.Header.Get("Content-Length") == "") {
			a := reply(http.StatusLengthRequired, polarErr("LengthRequired", "A Content-Length header is required."))
			return nil, &a
		}
	}
	if r.ContentLength > maxBodyBytes {
		a := reply(http.StatusRequestEntityTooLarge, polarErr("RequestBodyTooLarge", fmt.Sprintf("Request body exceeded the maximum allowed size of %d bytes.", maxBodyBytes)))
		return nil, &a
	}
	bearer, hasBearer := bearerToken(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var tok *token
	if hasBearer {
		tok = s.w.tokens[bearer]
	}
	if retry, limited := s.rateLimitedLocked(identity(tok, bearer, hasBearer, r)); limited {
		a := reply(http.StatusTooManyRequests, nil).withHeader("Retry-After", strconv.Itoa(retry))
		return nil, &a
	}
	if hasBearer && (tok == nil || !validTokenPrefix(bearer) || (tok.expiresAt != nil && !s.nowLocked().Before(*tok.expiresAt))) {
		a := invalidToken()
		return nil, &a
	}
	if tok == nil {
		return nil, nil
	}
	return &principal{org: tok.org, scopes: tok.scopes}, nil
}

func identity(tok *token, bearer string, hasBearer bool, r *http.Request) string {
	switch {
	case tok != nil:
		return "organization:" + tok.org.id
	case hasBearer:
		return "token:" + bearer
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return "ip:" + host
}

// rateLimitedLocked applies the fixed window: created at the first request,
// refusing once the count is spent until the window ends. Retry-After is the
// full window length, as Polar answers.
func (s *Server) rateLimitedLocked(key string) (int, bool) {
	rl := s.w.rate
	if rl.Requests <= 0 {
		return 0, false
	}
	now := s.nowLocked()
	win := time.Duration(rl.WindowSeconds) * time.Second
	wd := s.windows[key]
	if wd == nil || !now.Before(wd.start.Add(win)) {
		wd = &window{start: now}
		s.windows[key] = wd
	}
	if wd.count >= rl.Requests {
		return rl.WindowSeconds, true
	}
	wd.count++
	return 0, false
}

func validTokenPrefix(t string) bool {
	for _, p := range []string{"polar_oat_", "polar_pat_", "polar_at_u_", "polar_at_o_"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// bearerToken returns the token of an "Authorization: Bearer" header; a
// missing header or another scheme is no credentials at all.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

func invalidToken() answer {
	const desc = "The access token provided is expired, revoked, malformed, or invalid for other reasons."
	return reply(http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": desc}).
		withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache").
		withHeader("WWW-Authenticate", `Bearer realm="polar", error="invalid_token", error_description="`+desc+`"`)
}

func newUUID() string { return uuid.NewString() }

func newInvitationToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sortStrings(s []string) { sort.Strings(s) }

func sortBy[T any](s []T, key func(T) string) {
	sort.Slice(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}

func sortedSeats(in []*seat) []*seat {
	out := append([]*seat(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].createdAt.Equal(out[j].createdAt) {
			return out[i].createdAt.Before(out[j].createdAt)
		}
		return out[i].id < out[j].id
	})
	return out
}
