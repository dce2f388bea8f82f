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

// control serves the /__emulator/ test hooks documented in README.md beside
// this file.
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/__emulator/"), "/")
	parts := strings.Split(path, "/")
	bad := func(msg, detail string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg, "detail": detail})
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		bad("bad body", err.Error())
		return
	}
	decode := func(v any) bool {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			bad("bad body", err.Error())
			return false
		}
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case path == "state" && r.Method == http.MethodPut:
		f, err := LoadFixture(body)
		if err != nil {
			bad("bad fixture", err.Error())
			return
		}
		if err := s.reset(f); err != nil {
			bad("bad fixture", err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case path == "state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.w.dump())
	case path == "clock" && r.Method == http.MethodPost:
		var req struct {
			AdvanceSeconds *float64 `json:"advance_seconds"`
		}
		if !decode(&req) {
			return
		}
		if req.AdvanceSeconds == nil || *req.AdvanceSeconds < 0 {
			bad("bad clock", "advance_seconds must be a number >= 0")
			return
		}
		s.offset += time.Duration(*req.AdvanceSeconds * float64(time.Second))
		writeJSON(w, http.StatusOK, map[string]string{"now": s.nowLocked().Format(time.RFC3339Nano)})
	case len(parts) == 2 && (parts[0] == "subscriptions" || parts[0] == "orders") && r.Method == http.MethodPatch:
		var req struct {
			Seats   *int    `json:"seats"`
			Status  *string `json:"status"`
			Deleted *bool   `json:"deleted"`
		}
		if !decode(&req) {
			return
		}
		kind := strings.TrimSuffix(parts[0], "s")
		var c *container
		for _, o := range s.w.orgs {
			if kind == "subscription" && o.subs[parts[1]] != nil {
				c = o.subs[parts[1]]
			}
			if kind == "order" && o.orders[parts[1]] != nil {
				c = o.orders[parts[1]]
			}
		}
		if c == nil {
			bad("unknown id", fmt.Sprintf("no %s with id %q", kind, parts[1]))
			return
		}
		if req.Seats != nil && *req.Seats < 0 {
			bad("bad seats", "seats must be >= 0")
			return
		}
		if req.Status != nil && (kind != "order" || !validOrderStatus(*req.Status)) {
			bad("bad status", fmt.Sprintf("status %q: only orders have a status, one of pending, paid, refunded, partially_refunded, draft, void", *req.Status))
			return
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
		if kind == "order" {
			out["status"] = c.status
		}
		writeJSON(w, http.StatusOK, out)
	case len(parts) == 2 && parts[0] == "organizations" && r.Method == http.MethodPatch:
		var req struct {
			SeatBased   *bool `json:"seat_based_pricing_enabled"`
			MemberModel *bool `json:"member_model_enabled"`
		}
		if !decode(&req) {
			return
		}
		for _, o := range s.w.orgs {
			if o.id == parts[1] {
				if req.SeatBased != nil {
					o.seatBased = *req.SeatBased
				}
				if req.MemberModel != nil {
					o.memberModel = *req.MemberModel
				}
				writeJSON(w, http.StatusOK, map[string]any{"id": o.id, "seat_based_pricing_enabled": o.seatBased, "member_model_enabled": o.memberModel})
				return
			}
		}
		bad("unknown id", fmt.Sprintf("no organization with id %q", parts[1]))
	case len(parts) == 2 && parts[0] == "tokens" && r.Method == http.MethodDelete:
		if _, ok := s.w.tokens[parts[1]]; !ok {
			bad("unknown token", "no such token")
			return
		}
		delete(s.w.tokens, parts[1])
		w.WriteHeader(http.StatusNoContent)
	case path == "faults" && r.Method == http.MethodPost:
		var f fault
		if !decode(&f) {
			return
		}
		switch f.Kind {
		case "status", "drop_after_commit", "delay":
		default:
			bad("bad fault", fmt.Sprintf("kind %q is not status, drop_after_commit or delay", f.Kind))
			return
		}
		if f.Path == "" {
			bad("bad fault", "path is required")
			return
		}
		if f.Times <= 0 {
			f.Times = 1
		}
		if f.Kind == "status" && (f.Status < 400 || f.Status > 599) {
			bad("bad fault", "status must be a 4xx or 5xx code")
			return
		}
		s.faults = append(s.faults, &f)
		w.WriteHeader(http.StatusNoContent)
	case path == "faults" && r.Method == http.MethodDelete:
		s.faults = nil
		w.WriteHeader(http.StatusNoContent)
	case path == "requests" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.counts)
	case path == "requests" && r.Method == http.MethodDelete:
		s.resetCounters()
		w.WriteHeader(http.StatusNoContent)
	case path == "outbox" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.outbox)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control call", "detail": r.Method + " /__emulator/" + path})
	}
}
