package emulator

import (
	"fmt"
	"time"
)

// Typed test hooks: what the /__emulator/ control API does, as Go calls on
// an in-process server, so that tests never build control requests by hand.
// Each takes the server's lock; the control API's handlers use them too.

// InjectFault queues a fault for the next f.Times matching requests (see the
// README's control API for the kinds).
func (s *Server) InjectFault(f Fault) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.addFaultLocked(f); err != nil {
		return fmt.Errorf("%s: %s", err.Error, err.Detail)
	}
	return nil
}

// SetSeats changes how many seats a subscription or order has bought.
func (s *Server) SetSeats(kind, id string, seats int) error {
	return s.patch(containerKind(kind), id, containerPatch{Seats: &seats})
}

// SetOrderStatus changes an order's status (pending, paid, …).
func (s *Server) SetOrderStatus(id, status string) error {
	return s.patch(kindOrder, id, containerPatch{Status: &status})
}

// SetDeleted soft-deletes a subscription or order (its API calls then
// answer 404), or brings it back.
func (s *Server) SetDeleted(kind, id string, deleted bool) error {
	return s.patch(containerKind(kind), id, containerPatch{Deleted: &deleted})
}

func (s *Server) patch(kind containerKind, id string, p containerPatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.patchContainerLocked(kind, id, p); err != nil {
		return fmt.Errorf("%s: %s", err.Error, err.Detail)
	}
	return nil
}

// SetSeatBasedPricing switches an organization's seat-based pricing.
func (s *Server) SetSeatBasedPricing(orgID string, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.w.orgs {
		if o.id == orgID {
			o.seatBased = on
			return nil
		}
	}
	return fmt.Errorf("no organization with id %q", orgID)
}

// RevokeToken makes a token answer 401 from now on.
func (s *Server) RevokeToken(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.w.tokens[token]; !ok {
		return fmt.Errorf("no such token")
	}
	delete(s.w.tokens, token)
	return nil
}

// AdvanceClock moves the emulator's clock forward and returns the new time.
func (s *Server) AdvanceClock(d time.Duration) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	return s.nowLocked()
}

// ResetRequests zeroes the request counters.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetCounters()
}

// Outbox returns what Polar would have sent, in order.
func (s *Server) Outbox() (emails []Email, webhooks []Webhook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Email(nil), s.w.outbox.Emails...), append([]Webhook(nil), s.w.outbox.Webhooks...)
}

// State dumps the whole state in fixture form, hidden invitation tokens
// included; Load replaces it (and resets clock, faults, counters, outbox).
func (s *Server) State() *Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.dump()
}

// Load replaces the whole state with a fixture.
func (s *Server) Load(f *Fixture) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reset(f)
}

// InvitationToken is a pending seat's hidden invitation token (what the
// invitation email carries), for claiming it out of band.
func (s *Server) InvitationToken(seatID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.w.orgs {
		if st := o.seatByID[seatID]; st != nil && st.token != nil {
			return *st.token, true
		}
	}
	return "", false
}
