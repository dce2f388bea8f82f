package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// What polar_customer_seat keeps in Terraform's private state (not shown,
// not planned): who holds the seat, and whether it came in by import.

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
