package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// controlRoute is one /__emulator/ test hook (README.md beside this file).
// Handlers run under the server's lock and return a response value: a status
// and a body to encode (nil for none), or a controlError for a 400.
type controlRoute struct {
	method, pattern string
	handle          func(s *Server, req controlRequest) (int, any, *controlError)
}

type controlRequest struct {
	body   []byte
	params map[string]string
}

// decode reads the JSON body strictly: unknown fields are errors.
func (r controlRequest) decode(v any) *controlError {
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badControl("bad body", err.Error())
	}
	return nil
}

// controlError is a 400 of the control API: what is wrong, and the detail.
type controlError struct{ Error, Detail string }

func badControl(msg, detail string) *controlError { return &controlError{Error: msg, Detail: detail} }

var controlRoutes = []controlRoute{
	{http.MethodPut, "/__emulator/state", (*Server).putState},
	{http.MethodGet, "/__emulator/state", func(s *Server, _ controlRequest) (int, any, *controlError) { return http.StatusOK, s.w.dump(), nil }},
	{http.MethodPost, "/__emulator/clock", (*Server).advanceClock},
	{http.MethodPatch, "/__emulator/subscriptions/{id}", func(s *Server, r controlRequest) (int, any, *controlError) {
		return s.patchContainer(kindSubscription, r)
	}},
	{http.MethodPatch, "/__emulator/orders/{id}", func(s *Server, r controlRequest) (int, any, *controlError) { return s.patchContainer(kindOrder, r) }},
	{http.MethodPatch, "/__emulator/organizations/{id}", (*Server).patchOrganization},
	{http.MethodDelete, "/__emulator/tokens/{token}", (*Server).deleteToken},
	{http.MethodPost, "/__emulator/faults", (*Server).addFault},
	{http.MethodDelete, "/__emulator/faults", func(s *Server, _ controlRequest) (int, any, *controlError) {
		s.faults = nil
		return http.StatusNoContent, nil, nil
	}},
	{http.MethodGet, "/__emulator/requests", func(s *Server, _ controlRequest) (int, any, *controlError) { return http.StatusOK, s.counts, nil }},
	{http.MethodDelete, "/__emulator/requests", func(s *Server, _ controlRequest) (int, any, *controlError) {
		s.resetCounters()
		return http.StatusNoContent, nil, nil
	}},
	{http.MethodGet, "/__emulator/outbox", func(s *Server, _ controlRequest) (int, any, *controlError) { return http.StatusOK, s.w.outbox, nil }},
}

// control serves the /__emulator/ test hooks.
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, badControl("bad body", err.Error()))
		return
	}
	for _, rt := range controlRoutes {
		params, ok := matchPattern(rt.pattern, path)
		if !ok || rt.method != r.Method {
			continue
		}
		s.mu.Lock()
		status, out, cerr := rt.handle(s, controlRequest{body: body, params: params})
		s.mu.Unlock()
		switch {
		case cerr != nil:
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": cerr.Error, "detail": cerr.Detail})
		case out == nil:
			w.WriteHeader(status)
		default:
			writeJSON(w, status, out)
		}
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control call", "detail": r.Method + " " + r.URL.Path})
}

func (s *Server) putState(r controlRequest) (int, any, *controlError) {
	f, err := LoadFixture(r.body)
	if err == nil {
		err = s.reset(f)
	}
	if err != nil {
		return 0, nil, badControl("bad fixture", err.Error())
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) advanceClock(r controlRequest) (int, any, *controlError) {
	var req struct {
		AdvanceSeconds *float64 `json:"advance_seconds"`
	}
	if err := r.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.AdvanceSeconds == nil || *req.AdvanceSeconds < 0 {
		return 0, nil, badControl("bad clock", "advance_seconds must be a number >= 0")
	}
	s.offset += time.Duration(*req.AdvanceSeconds * float64(time.Second))
	return http.StatusOK, map[string]string{"now": s.nowLocked().Format(time.RFC3339Nano)}, nil
}

// containerPatch is an out-of-band change to a subscription or order.
type containerPatch struct {
	Seats   *int    `json:"seats"`
	Status  *string `json:"status"`
	Deleted *bool   `json:"deleted"`
}

func (s *Server) patchContainer(kind containerKind, r controlRequest) (int, any, *controlError) {
	var req containerPatch
	if err := r.decode(&req); err != nil {
		return 0, nil, err
	}
	out, err := s.patchContainerLocked(kind, r.params["id"], req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (s *Server) patchContainerLocked(kind containerKind, id string, req containerPatch) (map[string]any, *controlError) {
	var c *container
	for _, o := range s.w.orgs {
		// Deleted containers too: PATCH {"deleted": false} brings one back.
		all := o.subs
		if kind == kindOrder {
			all = o.orders
		}
		if found := all[id]; found != nil {
			c = found
		}
	}
	switch {
	case c == nil:
		return nil, badControl("unknown id", fmt.Sprintf("no %s with id %q", kind, id))
	case req.Seats != nil && *req.Seats < 0:
		return nil, badControl("bad seats", "seats must be >= 0")
	case req.Status != nil && (kind != kindOrder || !validOrderStatus(*req.Status)):
		return nil, badControl("bad status", fmt.Sprintf("status %q: only orders have a status, one of pending, paid, refunded, partially_refunded, draft, void", *req.Status))
	}
	if req.Seats != nil {
		n := *req.Seats
		c.seats = &n
	}
	if req.Status != nil {
		c.status = *req.Status
	}
	if req.Deleted != nil {
		c.deleted = *req.Deleted
	}
	out := map[string]any{"id": c.id, "product_id": c.productID, "customer_id": c.customerID, "seats": c.seats, "deleted": c.deleted}
	if kind == kindOrder {
		out["status"] = c.status
	}
	return out, nil
}

func (s *Server) patchOrganization(r controlRequest) (int, any, *controlError) {
	var req struct {
		SeatBased   *bool `json:"seat_based_pricing_enabled"`
		MemberModel *bool `json:"member_model_enabled"`
	}
	if err := r.decode(&req); err != nil {
		return 0, nil, err
	}
	for _, o := range s.w.orgs {
		if o.id != r.params["id"] {
			continue
		}
		if req.SeatBased != nil {
			o.seatBased = *req.SeatBased
		}
		if req.MemberModel != nil {
			o.memberModel = *req.MemberModel
		}
		return http.StatusOK, map[string]any{"id": o.id, "seat_based_pricing_enabled": o.seatBased, "member_model_enabled": o.memberModel}, nil
	}
	return 0, nil, badControl("unknown id", fmt.Sprintf("no organization with id %q", r.params["id"]))
}

func (s *Server) deleteToken(r controlRequest) (int, any, *controlError) {
	if _, ok := s.w.tokens[r.params["token"]]; !ok {
		return 0, nil, badControl("unknown token", "no such token")
	}
	delete(s.w.tokens, r.params["token"])
	return http.StatusNoContent, nil, nil
}

func (s *Server) addFault(r controlRequest) (int, any, *controlError) {
	var f Fault
	if err := r.decode(&f); err != nil {
		return 0, nil, err
	}
	if err := s.addFaultLocked(f); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) addFaultLocked(f Fault) *controlError {
	switch {
	case f.Kind != "status" && f.Kind != "drop_after_commit" && f.Kind != "delay":
		return badControl("bad fault", fmt.Sprintf("kind %q is not status, drop_after_commit or delay", f.Kind))
	case f.Path == "":
		return badControl("bad fault", "path is required")
	case f.Kind == "status" && (f.Status < 400 || f.Status > 599):
		return badControl("bad fault", "status must be a 4xx or 5xx code")
	}
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
	return nil
}
