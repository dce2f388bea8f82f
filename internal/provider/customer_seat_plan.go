package provider

import (
	"context"
	"encoding/json"
	"fmt"

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
// Every plan claims the seat (claims.go): a destroy its removal, so that a
// resource that keeps or adopts the seat in the same plan is refused as a
// move.
func (r *customerSeatResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	token := ""
	if !req.State.Raw.IsNull() {
		// For the second call of a replacement (claims.go).
		token = newPlanToken()
		b, _ := json.Marshal(token)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateToken, b)...)
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changes (the common case of a plan over many seats): only
		// record what the seat manages, reading no more than that.
		cfg, diags := seatKey(ctx, req.Config)
		resp.Diagnostics.Append(diags...)
		var id types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
		resp.Diagnostics.Append(r.claimKept(&cfg, cfg.container(), token, id.ValueString(), false)...)
		return
	}
	var plan, cfg customerSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		configured := cfg.recipient()
		for name, v := range plan.recipient() {
			*v = *configured[name]
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		r.checkContainer(ctx, &cfg, req.Private, resp)
		return
	}
	var state customerSeatModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	adopted, d := req.Private.GetKey(ctx, privateAdopted)
	resp.Diagnostics.Append(d...)
	held := r.heldSeat(ctx, &state, req.Private)
	resp.RequiresReplace = append(resp.RequiresReplace, planRecipientChange(&plan, &cfg, &state, len(adopted) > 0, held)...)
	// metadata and immediate_claim decide their own replacement (their plan
	// modifiers); only metadata can replace a claimed seat.
	replacing := len(resp.RequiresReplace) > 0 || !metadataEquivalent(cfg.Metadata, state.Metadata)
	// The seat is claimed where it is; a new container replaces it.
	replacing = replacing || !cfg.containerKnown() || cfg.container() != state.container()
	if resp.Diagnostics.Append(r.claimKept(&cfg, state.container(), token, state.ID.ValueString(), replacing)...); resp.Diagnostics.HasError() {
		return
	}
	if replacing && state.Status.ValueString() == string(polar.SeatStatusClaimed) {
		resp.Diagnostics.AddWarning("Replacing seat "+state.ID.ValueString()+" takes a working seat away",
			fmt.Sprintf("Seat %s is claimed: %s is using it. Polar has no update call, so this change revokes the seat and assigns a new one; "+
				"the person loses access until they accept a new invitation (unless immediate_claim is set).", state.ID.ValueString(), recipientOf(&state)))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planRecipientChange plans each recipient attribute of a seat in state,
// as ModifyPlan says, and returns the ones whose change replaces the seat.
// adopted: the seat came in by import. held: the seat as Polar lists it
// now, when it still holds its occupant (nil otherwise).
func planRecipientChange(plan, cfg, state *customerSeatModel, adopted bool, held *polar.CustomerSeat) (replace []path.Path) {
	configured, inState := cfg.recipient(), state.recipient()
	for name, planned := range plan.recipient() {
		c, s := *configured[name], *inState[name]
		switch {
		case c.IsUnknown():
			*planned = c
			replace = append(replace, path.Root(name))
		case c.IsNull():
			*planned = s
		case !s.IsNull() && recipientEquivalent(name, c.ValueString(), s.ValueString()):
			*planned = s
		case s.IsNull() && adopted && !anyRecipientConflicts(cfg, state):
			// Imported seat, value Polar never reports: recorded in place.
			*planned = c
		case held != nil && namesHolder(name, c.ValueString(), held):
			// The person who holds the seat, named another way (another
			// form, or another spelling Polar shows): recorded in place, as
			// the assignments resource does.
			*planned = c
		default:
			*planned = c
			replace = append(replace, path.Root(name))
		}
	}
	return replace
}

// namesHolder reports whether a recipient attribute's value names the
// person who holds seat s, as Polar's list shows them (email, member_id,
// external_member_id; never customer_id, which a member-model customer's
// members share, or external_customer_id, which Polar never reports).
func namesHolder(name, value string, s *polar.CustomerSeat) bool {
	for _, f := range recipientForms {
		if f.single == name {
			return f.holds(s, value)
		}
	}
	return false
}

// heldSeat is the seat in state as the shared list shows it, when it is
// active and still holds its occupant; nil otherwise (and when the list
// cannot be read: then every change of recipient replaces, as before).
func (r *customerSeatResource) heldSeat(ctx context.Context, state *customerSeatModel, private privateGetter) *polar.CustomerSeat {
	if r.data == nil || !state.containerKnown() {
		return nil
	}
	list, err := r.data.seats.List(ctx, state.container())
	if err != nil {
		return nil
	}
	occ := readOccupant(ctx, private)
	for _, s := range matchSeats(list, func(s *polar.CustomerSeat) bool { return s.ID == state.ID.ValueString() }) {
		if s.Status.Active() && sameOccupant(occ, state, &s) {
			return &s
		}
	}
	return nil
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

// checkContainer looks at the container of a seat planned for creation,
// with the shared list: a plan that cannot read it (wrong token, missing
// scope, unknown container, server unreachable) fails instead of looking
// green, and a plan that assigns more seats than the container has free
// warns with the numbers (seats freed earlier in the same apply may still
// make room). It claims the recipient and the seat they hold now, if any,
// and the seat the replacement this create belongs to revokes first in the
// same container (whoever the create assigns): another resource that keeps
// or revokes one of those fights this one.
func (r *customerSeatResource) checkContainer(ctx context.Context, cfg *customerSeatModel, private privateGetter, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	rec := r.seatRecord(cfg, "")
	var prior replaced
	if b, _ := private.GetKey(ctx, privateToken); len(b) > 0 {
		_ = json.Unmarshal(b, &rec.Token)
		prior, _ = r.data.priorOf(rec.Token)
	}
	if rec.Token == "" {
		rec.Token = newPlanToken()
	}
	if !containerKnown(cfg.SubscriptionID, cfg.OrderID) {
		// It may assign its recipient in any container (claims.go).
		rec.Resource += " (its container known only at apply)"
		resp.Diagnostics.Append(r.data.claim(unplaced, rec, nil)...)
		return
	}
	container := cfg.container()
	list, err := r.data.seats.List(ctx, container)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot check the "+container.String()+" of this seat", err, container, "customer_seats:read")...)
		return
	}
	names := claimNames{}
	// The seat the replacement's destroy revokes first, whoever this create
	// assigns: this record replaces the first call's, which claimed it.
	revokedFirst := map[string]bool{}
	if prior.container == container {
		for id, who := range prior.seats {
			rec.Removed = append(rec.Removed, id)
			names[id], revokedFirst[id] = who, true
		}
	}
	if a := assignRequest(cfg); rec.Keys != nil {
		if match := recipientMatcher(a); match != nil {
			if held := matchSeats(list, match); len(held) == 1 && !revokedFirst[held[0].ID] {
				names[held[0].ID] = recipientName(cfg)
				rec.Held = []string{held[0].ID}
			}
		}
	}
	if resp.Diagnostics.Append(r.data.claim(container, rec, names)...); resp.Diagnostics.HasError() {
		return
	}
	planned := r.data.planCreate(container, plannedRecipient(cfg))
	if planned > list.AvailableSeats {
		resp.Diagnostics.AddAttributeWarning(containerPath(container), "More seats planned than available",
			fmt.Sprintf("This plan assigns at least %s in the %s, which has total_seats = %d and available_seats = %d. "+
				"The assignments beyond the free seats will fail unless seats are freed earlier in the same apply (a replaced or destroyed seat) "+
				"or more seats are bought. Pending invitations occupy seats until claimed or revoked.", counted(planned, "new seat"), container, list.TotalSeats, list.AvailableSeats))
	}
}

// seatRecord is the claim of a seat's plan: its recipient (unknown: nil
// keys) and token.
func (r *customerSeatResource) seatRecord(cfg *customerSeatModel, token string) claimRecord {
	rec := claimRecord{Token: token, Single: true, Resource: "a polar_customer_seat for " + recipientOf(cfg), Keys: []string{}}
	switch key := plannedRecipient(cfg); key {
	case "unknown":
		rec.Keys, rec.Resource = nil, "a polar_customer_seat whose recipient is known only at apply"
	case "":
	default:
		rec.Keys = []string{key}
	}
	return rec
}

// claimKept claims an existing seat of container c: held, or removed when
// the plan replaces it (the second call, a create, claims what replaces
// it), and remembers it for that second call.
func (r *customerSeatResource) claimKept(cfg *customerSeatModel, c polar.Container, token, id string, replacing bool) diag.Diagnostics {
	if r.data == nil {
		return nil
	}
	rec := r.seatRecord(cfg, token)
	if replacing {
		// The first call of a replacement only revokes the seat: what
		// replaces it is claimed by the second call (a create, wherever
		// it goes), so that a seat leaving a container fights nothing
		// there but a resource that keeps it (a move).
		// (When the new container is known only at apply, the second
		// call claims nothing: the recipient stays claimed here.)
		rec.Removed = []string{id}
		if cfg.containerKnown() {
			rec.Keys = []string{}
		}
	} else {
		rec.Held = []string{id}
	}
	who := recipientName(cfg)
	r.data.rememberPrior(token, replaced{container: c, seats: map[string]string{id: who}})
	return r.data.claim(c, rec, claimNames{id: who})
}

// planDestroy claims the removal of the seat.
func (r *customerSeatResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	state, diags := seatKey(ctx, req.State)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	id := state.ID.ValueString()
	rec := claimRecord{Token: newPlanToken(), Single: true, Keys: []string{}, Removed: []string{id},
		Resource: fmt.Sprintf("the polar_customer_seat of seat %s (%s)", id, recipientOf(&state))}
	resp.Diagnostics.Append(r.data.claim(state.container(), rec, claimNames{id: recipientName(&state)})...)
}
