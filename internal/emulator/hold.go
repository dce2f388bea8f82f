package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
)

// Held is a request the emulator holds for a test (Server.Hold) until the
// test decides what becomes of it: Land, LandSilently or Drop. It lets a
// model-based test put a write exactly where it wants it in time — after
// the provider gave up on it, between two other calls — with no sleep.
//
// A held request does not hold the server's lock: every other request is
// served meanwhile. It stays held when its client goes away (its body has
// been read by then, so a write can still land). The first decision counts;
// one taken before the request arrives applies as soon as it does.
type Held struct {
	srv   *Server
	match requestMatch

	arrived chan struct{} // closed when the request is held
	decided chan struct{} // closed by the first decision
	done    chan struct{} // closed when the request has been dealt with, or the hold withdrawn
	once    sync.Once
	action  holdAction // set once, before decided is closed

	state holdState // guarded by srv.mu
}

type holdState int

const (
	holdArmed     holdState = iota // waiting for a request
	holdTaken                      // a request matched
	holdWithdrawn                  // released before any request matched
)

type holdAction int

const (
	holdLand holdAction = iota + 1
	holdLandSilently
	holdDrop
)

// Hold arms a hold on the next request whose method and path match (as a
// Fault's: an empty method matches any; the path exactly, as a prefix
// ending in "*", or as a route template such as
// "/v1/customer-seats/{seat_id}"). Each hold catches one request; holds on
// the same route catch the following requests in the order they were armed.
// Release the hold when the test ends (testsupport.Hold does), and before
// closing an httptest.Server, whose Close waits for held requests.
func (s *Server) Hold(method, path string) (*Held, error) {
	if path == "" {
		return nil, errors.New("hold: path is required")
	}
	h := &Held{srv: s, match: requestMatch{method: method, path: path},
		arrived: make(chan struct{}), decided: make(chan struct{}), done: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holdsClosed {
		return nil, fmt.Errorf("hold %s %s: the server is closed", method, path)
	}
	s.holds = append(s.holds, h)
	s.holding[h] = struct{}{}
	return h, nil
}

// Arrived is closed when a matching request is being held.
func (h *Held) Arrived() <-chan struct{} { return h.arrived }

// Done is closed when the held request has been dealt with (landed and
// answered or cut off, or dropped), or when Release withdrew a hold no
// request had reached.
func (h *Held) Done() <-chan struct{} { return h.done }

// Land applies the request now and answers it normally. If its client has
// already given up, the write still lands: a write that lands after the
// provider gave up on it.
func (h *Held) Land() { h.decide(holdLand) }

// LandSilently applies the request, then closes the connection without an
// answer (as the drop_after_commit fault does): the write landed, and the
// client cannot know it.
func (h *Held) LandSilently() { h.decide(holdLandSilently) }

// Drop does not apply the request and closes the connection without an
// answer: the request never reached Polar, and the client cannot know that
// either. A dropped request is not counted in the request counters.
func (h *Held) Drop() { h.decide(holdDrop) }

// Release ends the hold: a request still held is dropped (Drop), and a hold
// no request has reached yet is withdrawn, so that none will be held. A
// decision already taken stands.
func (h *Held) Release() {
	s := h.srv
	s.mu.Lock()
	withdraw := h.state == holdArmed
	if withdraw {
		h.state = holdWithdrawn
		s.holds = slices.DeleteFunc(s.holds, func(x *Held) bool { return x == h })
		delete(s.holding, h)
	}
	s.mu.Unlock()
	h.decide(holdDrop)
	if withdraw {
		close(h.done)
	}
}

func (h *Held) decide(a holdAction) {
	h.once.Do(func() {
		h.action = a
		close(h.decided)
	})
}

// Close releases every hold (Release) and refuses new ones: a request still
// held is dropped. The server goes on answering; its listener is the
// caller's. Call it before closing an httptest.Server that holds requests.
func (s *Server) Close() {
	s.mu.Lock()
	s.holdsClosed = true
	all := make([]*Held, 0, len(s.holding))
	for h := range s.holding {
		all = append(all, h)
	}
	s.mu.Unlock()
	for _, h := range all {
		h.Release()
	}
}

// takeHold takes the first armed hold the request matches, or nil.
func (s *Server) takeHold(method, path, routeKey string) *Held {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, h := range s.holds {
		if h.match.matches(method, path, routeKey) {
			s.holds = slices.Delete(s.holds, i, i+1)
			h.state = holdTaken
			return h
		}
	}
	return nil
}

// await keeps the request until the test decides, and says what it
// decided. The body is read first, so that the request can still be
// applied when its client has gone away.
func (h *Held) await(r *http.Request) holdAction {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	close(h.arrived)
	<-h.decided
	return h.action
}

// finished marks the held request dealt with.
func (h *Held) finished() {
	h.srv.mu.Lock()
	delete(h.srv.holding, h)
	h.srv.mu.Unlock()
	close(h.done)
}
