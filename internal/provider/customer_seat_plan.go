package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ModifyPlan decides what a change of recipient means for a seat that has
// no update call (metadata and immediate_claim have their own plan
// modifiers, customer_seat_planmodifiers.go):
//   - create: the recipient attributes are exactly as configured (they are
//     Optional+Computed only so that import can fill them in);
//   - an attribute left unset keeps the value in state (import filled it);
//   - a value equivalent to the state's (the same email as Polar normalises
//     it) is planned as the state's value: no diff;
//   - anything else replaces the seat.
//
// On create it also warns when the container has no free seat right now.
func (r *customerSeatResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changes (the common case of a plan over many seats): only
		// record what the seat manages, reading no more than that.
		cfg, diags := seatKey(ctx, req.Config)
		resp.Diagnostics.Append(diags...)
		if msg := r.claim(&cfg); msg != "" {
			resp.Diagnostics.AddAttributeError(containerPath(cfg.container()), "Two resources manage one seat", msg)
		}
		return
	}
	var plan, cfg customerSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if msg := r.claim(&cfg); msg != "" {
		resp.Diagnostics.AddAttributeError(containerPath(cfg.container()), "Two resources manage one seat", msg)
		return
	}
	configured := cfg.recipient()
	if req.State.Raw.IsNull() {
		for name, v := range plan.recipient() {
			*v = *configured[name]
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		r.checkContainer(ctx, &cfg, resp)
		return
	}
	var state customerSeatModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	adopted, d := req.Private.GetKey(ctx, privateAdopted)
	resp.Diagnostics.Append(d...)
	stateRecipient := state.recipient()
	for name, planned := range plan.recipient() {
		c, s := *configured[name], *stateRecipient[name]
		switch {
		case c.IsUnknown():
			*planned = c
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
		case c.IsNull():
			*planned = s
		case !s.IsNull() && recipientEquivalent(name, c.ValueString(), s.ValueString()):
			*planned = s
		case s.IsNull() && len(adopted) > 0 && !anyRecipientConflicts(&cfg, &state):
			// Imported seat, value Polar never reports: recorded in place.
			*planned = c
		default:
			*planned = c
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
		}
	}
	// metadata and immediate_claim decide their own replacement (their plan
	// modifiers); only metadata can replace a claimed seat.
	replacing := len(resp.RequiresReplace) > 0 || !metadataEquivalent(ctx, cfg.Metadata, state.Metadata)
	if replacing && state.Status.ValueString() == string(polar.SeatStatusClaimed) {
		resp.Diagnostics.AddWarning("Replacing seat "+state.ID.ValueString()+" takes a working seat away",
			fmt.Sprintf("Seat %s is claimed: %s is using it. Polar has no update call, so this change revokes the seat and assigns a new one; "+
				"the person loses access until they accept a new invitation (unless immediate_claim is set).", state.ID.ValueString(), recipientOf(&state)))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// claim records the seat's recipient for the container, so that an
// assignments resource of the same plan that would fight over it is refused.
func (r *customerSeatResource) claim(cfg *customerSeatModel) string {
	if r.data == nil || cfg.SubscriptionID.IsUnknown() || cfg.OrderID.IsUnknown() || (cfg.SubscriptionID.IsNull() && cfg.OrderID.IsNull()) {
		return ""
	}
	key := plannedRecipient(cfg)
	if key == "unknown" || key == "" {
		return ""
	}
	return r.data.claim(cfg.container(), containerClaim{what: "a polar_customer_seat", single: true, recipients: map[string]bool{key: true}})
}

// anyRecipientConflicts reports a configured recipient value that differs
// from a known state value: then the seat really changes hands.
func anyRecipientConflicts(cfg, state *customerSeatModel) bool {
	st := state.recipient()
	for name, c := range cfg.recipient() {
		s := st[name]
		if !c.IsNull() && !c.IsUnknown() && !s.IsNull() && !recipientEquivalent(name, c.ValueString(), s.ValueString()) {
			return true
		}
	}
	return false
}

func recipientEquivalent(name, a, b string) bool {
	if name == "email" {
		return emailaddr.Equal(a, b)
	}
	return a == b
}

func metadataEquivalent(ctx context.Context, a, b types.Map) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return false
	}
	var ma, mb map[string]string
	if !a.IsNull() {
		_ = a.ElementsAs(ctx, &ma, false)
	}
	if !b.IsNull() {
		_ = b.ElementsAs(ctx, &mb, false)
	}
	if len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if w, ok := mb[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkContainer looks at the container of a seat planned for creation,
// with the shared list: a plan that cannot read it (wrong token, missing
// scope, unknown container, server unreachable) fails instead of looking
// green, and a plan that assigns more seats than the container has free
// warns with the numbers (seats freed earlier in the same apply may still
// make room).
func (r *customerSeatResource) checkContainer(ctx context.Context, cfg *customerSeatModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || cfg.SubscriptionID.IsUnknown() || cfg.OrderID.IsUnknown() || (cfg.SubscriptionID.IsNull() && cfg.OrderID.IsNull()) {
		return
	}
	container := cfg.container()
	list, err := r.data.seats.List(ctx, container)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot check the "+container.String()+" of this seat", err, container, "customer_seats:read")...)
		return
	}
	planned := r.data.planCreate(container, plannedRecipient(cfg))
	if planned > list.AvailableSeats {
		resp.Diagnostics.AddAttributeWarning(containerPath(container), "More seats planned than available",
			fmt.Sprintf("This plan assigns at least %d new seats in the %s, which has total_seats = %d and available_seats = %d. "+
				"The assignments beyond the free seats will fail unless seats are freed earlier in the same apply (a replaced or destroyed seat) "+
				"or more seats are bought. Pending invitations occupy seats until claimed or revoked.", planned, container, list.TotalSeats, list.AvailableSeats))
	}
}

// plannedRecipient keys a planned creation by its recipient.
func plannedRecipient(cfg *customerSeatModel) string {
	for _, name := range recipientAttrs {
		v := *cfg.recipient()[name]
		if v.IsUnknown() {
			return "unknown"
		}
		if !v.IsNull() {
			val := v.ValueString()
			if name == "email" {
				val = emailaddr.Key(val)
			}
			return name + "=" + val
		}
	}
	return ""
}

func containerPath(c polar.Container) path.Path { return path.Root(c.QueryParam()) }

func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})}
}

// applySeat copies the server-set fields of a seat into the model. The
// resource keeps what it needs to manage the seat and nothing more: every
// attribute costs each plan time per seat (BENCHMARKS.md), and the
// polar_customer_seats data source shows the rest (timestamps, member).
func applySeat(m *customerSeatModel, s *polar.CustomerSeat) {
	m.ID = types.StringValue(s.ID)
	m.Status = types.StringValue(string(s.Status))
	m.CustomerEmail = types.StringPointerValue(s.CustomerEmail)
}

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

// metadataValue converts seat_metadata to a map of strings (non-string
// values as JSON text). emptyIsNull maps {} to null, Polar's default.
func metadataValue(md map[string]any, emptyIsNull bool) types.Map {
	if len(md) == 0 && emptyIsNull {
		return types.MapNull(types.StringType)
	}
	elems := map[string]attr.Value{}
	for k, v := range md {
		if s, ok := v.(string); ok {
			elems[k] = types.StringValue(s)
		} else {
			b, _ := json.Marshal(v)
			elems[k] = types.StringValue(string(b))
		}
	}
	return types.MapValueMust(types.StringType, elems)
}

// sameOccupant reports whether the seat still holds the occupant recorded
// for it: the member if both know it, else the email, else the customer.
// Polar reuses revoked rows under the same id for anyone, so the id alone
// proves nothing. A pending seat claimed out of band keeps its occupant.
func sameOccupant(occ occupant, state *customerSeatModel, s *polar.CustomerSeat) bool {
	known := func(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }
	switch {
	case occ.MemberID != "" && s.MemberID != nil:
		return occ.MemberID == *s.MemberID
	case known(state.CustomerEmail) && s.CustomerEmail != nil:
		return emailaddr.Equal(state.CustomerEmail.ValueString(), *s.CustomerEmail)
	case occ.CustomerID != "" && s.CustomerID != nil:
		return occ.CustomerID == *s.CustomerID
	}
	return false
}

// stateRecipient describes the recipient recorded in state, for messages.
func recipientOf(m *customerSeatModel) string {
	for _, name := range recipientAttrs {
		if v := *m.recipient()[name]; !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			return fmt.Sprintf("%s = %q", name, v.ValueString())
		}
	}
	if !m.CustomerEmail.IsNull() {
		return m.CustomerEmail.ValueString()
	}
	return "its recipient"
}

// describeOccupant names who holds a seat, for messages.
func describeOccupant(s *polar.CustomerSeat) string {
	switch {
	case s.Email != nil:
		return *s.Email
	case s.CustomerEmail != nil:
		return *s.CustomerEmail
	case s.MemberID != nil:
		return "member " + *s.MemberID
	case s.CustomerID != nil:
		return "customer " + *s.CustomerID
	}
	return "another recipient"
}
