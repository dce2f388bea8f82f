package provider

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// What the seat resources keep in Terraform's private state (not shown,
// not planned): for polar_customer_seat, who holds the seat and whether it
// came in by import; for polar_customer_seat_assignments, the seats held
// only because the resource was exclusive and what a plan releases; for
// both, the plan token of a plan (claims.go) and the revokes that may still
// land.

// privateAdopted marks a seat that came in by import: recipient
// attributes Polar never returns (external_customer_id) are then
// recorded from configuration instead of forcing a replacement.
const privateAdopted = "adopted"

// occupant is who holds a seat as Polar reports it, kept in the resource's
// private state (not shown, not planned): the member, else the customer.
// Polar reuses a revoked row's id for anyone, so ownership is decided on the
// occupant, never on the id alone.
type occupant struct {
	MemberID   string `json:"member_id,omitempty"`
	CustomerID string `json:"customer_id,omitempty"`
}

const privateOccupant = "occupant"

func occupantOf(s *polar.CustomerSeat) occupant {
	var o occupant
	if s.MemberID != nil {
		o.MemberID = *s.MemberID
	}
	if s.CustomerID != nil {
		o.CustomerID = *s.CustomerID
	}
	return o
}

type privateGetter interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

// readOccupant reads the occupant from private state; a state written
// before the occupant was kept there has none, and the email decides.
func readOccupant(ctx context.Context, p privateGetter) occupant {
	var o occupant
	if p == nil {
		return o
	}
	if b, _ := p.GetKey(ctx, privateOccupant); len(b) > 0 {
		_ = json.Unmarshal(b, &o)
	}
	return o
}

func writeOccupant(ctx context.Context, p privateSetter, s *polar.CustomerSeat) diag.Diagnostics {
	b, _ := json.Marshal(occupantOf(s))
	return p.SetKey(ctx, privateOccupant, b)
}

// sameOccupant reports whether the seat still holds the occupant recorded
// for it: the member if both know it, else the email, else the customer.
// Polar reuses revoked rows under the same id for anyone, so the id alone
// proves nothing. A pending seat claimed out of band keeps its occupant.
func sameOccupant(occ occupant, state *customerSeatModel, s *polar.CustomerSeat) bool {
	switch {
	case occ.MemberID != "" && s.MemberID != nil:
		return occ.MemberID == *s.MemberID
	case isSet(state.CustomerEmail) && s.CustomerEmail != nil:
		return emailaddr.Equal(state.CustomerEmail.ValueString(), *s.CustomerEmail)
	case occ.CustomerID != "" && s.CustomerID != nil:
		return occ.CustomerID == *s.CustomerID
	}
	return false
}

// reissuedSeats are the active seats of the list, other than the one in
// state, that hold the state's occupant (as sameOccupant decides) and every
// recipient attribute in state that a seat shows (email, member_id,
// external_member_id, customer_id; Polar never reports
// external_customer_id): where the person went when their seat was revoked
// and assigned again. A state with no recorded occupant matches nothing.
func reissuedSeats(occ occupant, state *customerSeatModel, list *polar.SeatsList) []polar.CustomerSeat {
	recipient := state.recipient()
	return matchSeats(list, func(s *polar.CustomerSeat) bool {
		if s.ID == state.ID.ValueString() || !sameOccupant(occ, state, s) {
			return false
		}
		for _, f := range recipientForms {
			if v := *recipient[f.single]; isSet(v) && !f.holds(s, v.ValueString()) {
				return false
			}
		}
		v := state.CustomerID
		return !isSet(v) || (s.CustomerID != nil && *s.CustomerID == v.ValueString())
	})
}

// seatIDs are the ids of seats.
func seatIDs(seats []polar.CustomerSeat) []string {
	ids := make([]string, len(seats))
	for i := range seats {
		ids[i] = seats[i].ID
	}
	return ids
}

// Keys of the assignments resource's private state, each a JSON list of
// seat ids (absent when empty).
const (
	// privateUnlisted: seats Read added to the state because the resource
	// was exclusive (held by people the configuration did not name). Kept
	// through plans; a plan revokes them only while the resource is
	// exclusive in state and configuration, and otherwise releases them.
	privateUnlisted = "unlisted"
	// privateReleased: seats a plan drops from state without revoking
	// them; apply never revokes them.
	privateReleased = "released"
	// privateReplacing marks the create half of a replacement (the plan the
	// replacement's destroy receives).
	privateReplacing = "replacing"
)

// readIDs reads a list of seat ids from private state.
func readIDs(ctx context.Context, p privateGetter, key string) map[string]bool {
	out := map[string]bool{}
	if p == nil {
		return out
	}
	var ids []string
	if b, _ := p.GetKey(ctx, key); len(b) > 0 {
		_ = json.Unmarshal(b, &ids)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// writeIDs writes a list of seat ids to private state, sorted; an empty
// list removes the key.
func writeIDs(ctx context.Context, p privateSetter, key string, ids map[string]bool) diag.Diagnostics {
	var list []string
	for id, in := range ids {
		if in {
			list = append(list, id)
		}
	}
	if len(list) == 0 {
		return p.SetKey(ctx, key, nil)
	}
	slices.Sort(list)
	b, _ := json.Marshal(list)
	return p.SetKey(ctx, key, b)
}

// privateUnansweredRevokes is where both seat resources keep the revokes
// they sent that got no answer and may still land: seat id → when the
// provider stopped waiting for the answer. A later apply sends no new
// revoke for such a seat before revokeSettleWindow has passed since then,
// and a refresh that finds the seat revoked knows it was this resource's
// own revoke that landed.
const privateUnansweredRevokes = "unanswered_revokes"

// unansweredRevokes are a resource's revokes that may still land.
type unansweredRevokes map[string]time.Time

func readUnansweredRevokes(ctx context.Context, p privateGetter) unansweredRevokes {
	u := unansweredRevokes{}
	if p == nil {
		return u
	}
	if b, _ := p.GetKey(ctx, privateUnansweredRevokes); len(b) > 0 {
		_ = json.Unmarshal(b, &u)
	}
	return u
}

// record keeps at, when not zero, as seat id's unanswered revoke, and
// otherwise forgets the seat's.
func (u unansweredRevokes) record(id string, at time.Time) {
	if at.IsZero() {
		delete(u, id)
		return
	}
	u[id] = at
}

// write stores the revokes in private state, removing the key when none is
// left.
func (u unansweredRevokes) write(ctx context.Context, p privateSetter) diag.Diagnostics {
	if len(u) == 0 {
		return p.SetKey(ctx, privateUnansweredRevokes, nil)
	}
	b, _ := json.Marshal(u)
	return p.SetKey(ctx, privateUnansweredRevokes, b)
}

// prune forgets the revokes of seats that are not among held.
func (u unansweredRevokes) prune(held []heldSeat) {
	keep := make(map[string]bool, len(held))
	for _, h := range held {
		keep[h.id] = true
	}
	for id := range u {
		if !keep[id] {
			delete(u, id)
		}
	}
}
