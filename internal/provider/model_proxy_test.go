package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

// modelProxy is Polar as the model test sees it: an http.Handler in front
// of the emulator through which every API request passes — the provider's
// and the world's (out-of-band changes) — one at a time. It records, for
// every request, who sent it (the resource operation running when it
// arrived, or "world") and, for every write that reached the emulator,
// exactly which seats it changed: so a revoke that lands late is charged to
// the request that sent it, and to the person it actually revoked.
//
// It can also hold a request (a fault the emulator does not have yet): the
// request does not reach the emulator until it is released — after a given
// number of later requests, or when the test says — while its client may
// give up on it (request_timeout). The order of events is decided by the
// hold and the release, never by a sleep.
type modelProxy struct {
	emu *emulator.Server

	mu      sync.Mutex
	source  string // who sends the requests arriving now
	seq     int
	log     []proxyRequest
	changes []seatChange
	holds   []*holdRule
	held    []*heldRequest
	// heldCh receives each request as it is held, for the test to act
	// while it is on its way (an interrupt).
	heldCh chan *heldRequest
}

// proxyRequest is one request as it arrived.
type proxyRequest struct {
	seq    int
	source string
	method string
	path   string
}

// seatView is one seat row as the emulator holds it.
type seatView struct {
	container string
	status    string
	memberID  string
}

func (v seatView) active() bool { return v.status == "pending" || v.status == "claimed" }

// seatChange is what one write that reached the emulator did to one seat.
type seatChange struct {
	seq      int // of the request
	source   string
	method   string
	path     string
	late     bool // released from a hold
	seatID   string
	from, to seatView // from.status is "" for a new row
}

// holdRule holds the next request matching method ("*": any write) and
// path prefix, from a provider (never the world's), and releases it after `after` later
// requests have reached the emulator (-1: only when the test releases it).
type holdRule struct {
	method, prefix string
	after          int
}

// heldRequest is a request parked by a hold.
type heldRequest struct {
	seq       int
	source    string
	method    string
	path      string
	req       *http.Request // detached from the client: it lands even after the client gave up
	countdown int
	rec       *httptest.ResponseRecorder
	dropped   bool
	done      chan struct{}
}

func newModelProxy(emu *emulator.Server) *modelProxy {
	return &modelProxy{emu: emu, source: "world", heldCh: make(chan *heldRequest, 16)}
}

// setSource says who sends the requests arriving from now on.
func (p *modelProxy) setSource(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.source = s
}

// hold arms a hold for the next matching provider request.
func (p *modelProxy) hold(method, prefix string, after int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holds = append(p.holds, &holdRule{method: method, prefix: prefix, after: after})
}

// mark returns the current position of the logs, for since.
func (p *modelProxy) mark() (requests, changes int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.log), len(p.changes)
}

// since returns the requests and seat changes recorded after a mark.
func (p *modelProxy) since(requests, changes int) ([]proxyRequest, []seatChange) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]proxyRequest(nil), p.log[requests:]...), append([]seatChange(nil), p.changes[changes:]...)
}

// releaseAll lands every held request, in the order they arrived, and
// drops the holds not used.
func (p *modelProxy) releaseAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holds = nil
	for len(p.held) > 0 {
		p.releaseLocked(p.held[0])
	}
}

func (p *modelProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	p.mu.Lock()
	p.seq++
	entry := proxyRequest{seq: p.seq, source: p.source, method: r.Method, path: r.URL.Path}
	if rule := p.takeHoldLocked(&entry); rule != nil {
		p.log = append(p.log, entry)
		detached := r.Clone(context.Background())
		detached.Body = io.NopCloser(bytes.NewReader(body))
		h := &heldRequest{seq: entry.seq, source: entry.source, method: r.Method, path: r.URL.Path, req: detached,
			countdown: rule.after, done: make(chan struct{})}
		p.held = append(p.held, h)
		p.mu.Unlock()
		select {
		case p.heldCh <- h:
		default:
		}
		select {
		case <-h.done:
			if r.Context().Err() != nil {
				return
			}
			if h.dropped {
				panic(http.ErrAbortHandler) // the answer is lost
			}
			copyResponse(w, h.rec)
		case <-r.Context().Done():
			// The client gave up; the request still lands when released.
		}
		return
	}
	p.log = append(p.log, entry)
	p.forwardLocked(w, r, entry, false)
	p.tickLocked()
	p.mu.Unlock()
}

// takeHoldLocked returns the hold that applies to a request, if any.
func (p *modelProxy) takeHoldLocked(e *proxyRequest) *holdRule {
	if e.source == "world" {
		return nil
	}
	for i, h := range p.holds {
		method := strings.EqualFold(h.method, e.method) || (h.method == "*" && e.method != http.MethodGet)
		if method && strings.HasPrefix(e.path, h.prefix) {
			p.holds = append(p.holds[:i], p.holds[i+1:]...)
			return h
		}
	}
	return nil
}

// tickLocked counts one more request landed towards each held request's
// release, and lands those whose count is reached.
func (p *modelProxy) tickLocked() {
	for _, h := range append([]*heldRequest(nil), p.held...) {
		if h.countdown < 0 {
			continue
		}
		if h.countdown--; h.countdown < 0 {
			p.releaseLocked(h)
		}
	}
}

func (p *modelProxy) releaseLocked(h *heldRequest) {
	for i, x := range p.held {
		if x == h {
			p.held = append(p.held[:i], p.held[i+1:]...)
			break
		}
	}
	h.rec = httptest.NewRecorder()
	h.dropped = p.forwardLocked(h.rec, h.req, proxyRequest{seq: h.seq, source: h.source, method: h.method, path: h.path}, true)
	close(h.done)
}

// forwardLocked lets the emulator handle a request and records what a write
// changed. It reports whether the emulator dropped the answer (a
// drop_after_commit fault on a request whose connection it cannot close).
func (p *modelProxy) forwardLocked(w http.ResponseWriter, r *http.Request, e proxyRequest, late bool) (dropped bool) {
	write := r.Method != http.MethodGet
	var before map[string]seatView
	if write {
		before = seatViews(p.emu.State())
	}
	func() {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					dropped = true
					return
				}
				panic(v)
			}
		}()
		p.emu.ServeHTTP(w, r)
	}()
	if !write {
		return dropped
	}
	after := seatViews(p.emu.State())
	for id, to := range after {
		if from := before[id]; from != to {
			p.changes = append(p.changes, seatChange{seq: e.seq, source: e.source, method: e.method, path: e.path, late: late, seatID: id, from: from, to: to})
		}
	}
	return dropped
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// seatViews indexes the seats of an emulator state dump by id.
func seatViews(f *emulator.Fixture) map[string]seatView {
	out := map[string]seatView{}
	for _, o := range f.Organizations {
		for _, s := range o.Seats {
			v := seatView{status: s.Status}
			if s.SubscriptionID != nil {
				v.container = *s.SubscriptionID
			} else if s.OrderID != nil {
				v.container = *s.OrderID
			}
			if s.MemberID.Set && !s.MemberID.Null {
				v.memberID = s.MemberID.Value
			}
			out[s.ID] = v
		}
	}
	return out
}

func (c seatChange) String() string {
	late := ""
	if c.late {
		late = " (landed after a hold)"
	}
	return fmt.Sprintf("%s %s by %s%s: seat %s %s/%s -> %s/%s", c.method, c.path, c.source, late, c.seatID, c.from.status, c.from.memberID, c.to.status, c.to.memberID)
}
