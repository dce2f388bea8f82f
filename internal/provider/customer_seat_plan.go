package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

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
		r.claim(&cfg, &resp.Diagnostics)
		return
	}
	var plan, cfg customerSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !r.claim(&cfg, &resp.Diagnostics) {
		return
	}
	if req.State.Raw.IsNull() {
		configured := cfg.recipient()
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
	resp.RequiresReplace = append(resp.RequiresReplace, planRecipientChange(&plan, &cfg, &state, len(adopted) > 0)...)
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

// planRecipientChange plans each recipient attribute of a seat in state,
// as ModifyPlan says, and returns the ones whose change replaces the seat.
// adopted: the seat came in by import.
func planRecipientChange(plan, cfg, state *customerSeatModel, adopted bool) (replace []path.Path) {
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
		default:
			*planned = c
			replace = append(replace, path.Root(name))
		}
	}
	return replace
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
// make room).
func (r *customerSeatResource) checkContainer(ctx context.Context, cfg *customerSeatModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || !containerKnown(cfg.SubscriptionID, cfg.OrderID) {
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
