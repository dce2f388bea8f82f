package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ModifyPlan plans the seats of the container:
//   - a recipient set the configuration names as the state does (the same
//     recipients, perhaps spelled otherwise) is planned as the state's: no diff;
//   - seats keeps the seat of every recipient that stays, drops the ones
//     removed (the diff shows each with its seat id) and plans the new ones
//     as known after apply;
//   - a new recipient that already holds a seat of the container is adopted
//     in the plan, visibly, when the resource exists; when the resource is
//     being created it is an error — most often the replacement of a
//     resource tainted by a failed apply, which would revoke those seats
//     first;
//   - two resources that would fight over a container fail the plan;
//   - warnings for seats taken from people using them, capacity, and
//     exclusive turned on.
//
// It reads the container with the shared list: one call per container.
func (r *customerSeatAssignmentsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.warnShortTimeout(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	var state customerSeatAssignmentsModel
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	// A set the configuration leaves out manages nobody in that form.
	planRecipientSets(&plan, &cfg, &state, creating)
	if !cfg.containerKnown() {
		plan.Seats = types.MapUnknown(seatEntryType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	container := cfg.container()
	if creating {
		plan.ID = types.StringValue(containerImportID(container))
	}
	planned, known := plan.recipients()
	if !known {
		plan.Seats = types.MapUnknown(seatEntryType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if r.data != nil {
		if msg := r.data.claim(container, assignmentsClaim(planned, plan.Exclusive.ValueBool())); msg != "" {
			resp.Diagnostics.AddAttributeError(containerPath(container), "Two resources manage the seats of one "+string(container.Kind), msg)
			return
		}
	}
	var inState map[string]heldSeat
	if !creating {
		inState = state.held()
	}
	var list *polar.SeatsList
	if r.data != nil {
		var err error
		if list, err = r.data.seats.List(ctx, container); err != nil {
			resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot check the seats of the "+container.String(), err, container, "customer_seats:read")...)
			return
		}
	}
	p := planSeats(planned, inState, list, creating)
	if len(p.alreadyHeld) > 0 {
		resp.Diagnostics.Append(alreadyHeldDiag(container, p.alreadyHeld)...)
		return
	}
	plan.setHeld(p.seats, plan.nullForms())
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	resp.Diagnostics.Append(p.warnings(container, list)...)
	if plan.Exclusive.ValueBool() && (creating || !state.Exclusive.ValueBool()) {
		resp.Diagnostics.Append(exclusiveWarning(container, list, p.seats)...)
	}
}

// planRecipientSets plans each recipient set as configured, or as in state
// when the configuration names the same recipients. Terraform takes the
// prior value in place of a configured one only when both are set; a set
// left out of the configuration may be planned as anything (the attribute
// is computed for this).
func planRecipientSets(plan, cfg, state *customerSeatAssignmentsModel, creating bool) {
	for i, set := range plan.sets() {
		cfgSet := *cfg.sets()[i]
		*set = cfgSet
		if creating || cfgSet.IsUnknown() {
			continue
		}
		prior := *state.sets()[i]
		if (cfgSet.IsNull() && len(prior.Elements()) == 0) || (!cfgSet.IsNull() && !prior.IsNull() && sameRecipients(cfgSet.ListValue, prior.ListValue, recipientForms[i])) {
			*set = prior
		}
	}
}

// exclusiveWarning tells, when a resource becomes exclusive, whose seats the
// next plan will revoke.
func exclusiveWarning(container polar.Container, list *polar.SeatsList, planned []heldSeat) diag.Diagnostics {
	var diags diag.Diagnostics
	if list == nil {
		return diags
	}
	others := othersHolding(list, planned)
	if len(others) == 0 {
		return diags
	}
	var names []string
	for _, o := range others {
		names = append(names, fmt.Sprintf("%s (seat %s)", o.value, o.id))
	}
	diags.AddAttributeWarning(path.Root("exclusive"), "exclusive takes effect at the next plan",
		fmt.Sprintf("This apply makes the resource exclusive. The %s has %d active seats this resource does not list: %s. "+
			"This apply does not touch them; the next plan shows them as removals, and applying that plan revokes them. "+
			"Add the ones to keep to the configuration first.", container, len(others), listed(names)))
	return diags
}

// sameRecipients reports whether two sets name the same recipients.
func sameRecipients(a, b types.List, form *recipientForm) bool {
	if a.IsUnknown() || b.IsUnknown() || len(a.Elements()) != len(b.Elements()) {
		return false
	}
	keys := make(map[string]bool, len(a.Elements()))
	for _, e := range a.Elements() {
		keys[form.norm(e.(types.String).ValueString())] = true //nolint:forcetypeassert // sets of strings
	}
	for _, e := range b.Elements() {
		if !keys[form.norm(e.(types.String).ValueString())] { //nolint:forcetypeassert // sets of strings
			return false
		}
	}
	return true
}

// seatsPlan is what a plan does to the seats of one container.
type seatsPlan struct {
	seats       []heldSeat // planned; id "" for a seat assigned by apply
	adopted     []heldSeat
	alreadyHeld []heldSeat
	removed     []heldSeat
	assigning   int
}

func planSeats(planned []recipient, inState map[string]heldSeat, list *polar.SeatsList, creating bool) seatsPlan {
	var p seatsPlan
	wanted := make(map[string]bool, len(planned))
	var holders map[string]*polar.CustomerSeat
	for _, rc := range planned {
		wanted[rc.key()] = true
		if h, ok := inState[rc.key()]; ok {
			h.recipient = rc
			p.seats = append(p.seats, h)
			continue
		}
		if holders == nil {
			holders = activeHolders(list)
		}
		if s := holderOf(holders, rc); s != nil {
			h := heldSeat{recipient: rc, id: s.ID, status: string(s.Status)}
			if creating {
				p.alreadyHeld = append(p.alreadyHeld, h)
				continue
			}
			p.adopted = append(p.adopted, h)
			p.seats = append(p.seats, h)
			continue
		}
		p.assigning++
		p.seats = append(p.seats, heldSeat{recipient: rc})
	}
	for key, h := range inState {
		if !wanted[key] {
			p.removed = append(p.removed, h)
		}
	}
	return p
}

// activeHolders indexes the active seats of a list by recipient key, for
// the recipient forms whose key the list shows directly.
func activeHolders(list *polar.SeatsList) map[string]*polar.CustomerSeat {
	out := map[string]*polar.CustomerSeat{}
	if list == nil {
		return out
	}
	for i := range list.Seats {
		s := &list.Seats[i]
		if !s.Status.Active() {
			continue
		}
		if rc, ok := seatRecipient(s); ok && rc.form == recipientForms[0] {
			out[rc.key()] = s
		}
		if s.MemberID != nil {
			out[recipient{form: recipientForms[1], value: *s.MemberID}.key()] = s
		}
		if s.Member != nil && s.Member.ExternalID != nil {
			out[recipient{form: recipientForms[2], value: *s.Member.ExternalID}.key()] = s
		}
	}
	return out
}

func holderOf(holders map[string]*polar.CustomerSeat, rc recipient) *polar.CustomerSeat {
	if s, ok := holders[rc.key()]; ok && rc.holds(s) {
		return s
	}
	return nil
}

func alreadyHeldDiag(c polar.Container, held []heldSeat) diag.Diagnostics {
	var diags diag.Diagnostics
	var names []string
	for _, h := range held {
		names = append(names, fmt.Sprintf("%s (seat %s, %s)", h.value, h.id, h.status))
	}
	diags.AddAttributeError(containerPath(c), "Recipients already hold seats of this "+string(c.Kind),
		fmt.Sprintf("This plan creates the resource, but %d of its recipients already hold seats of the %s: %s.\n\n"+
			"If an earlier apply of this resource failed part-way, Terraform has marked it tainted and now plans to replace it, which would revoke "+
			"those seats and assign them again (people lose access until they accept new invitations). The provider refuses that. Run\n\n"+
			"  terraform untaint <address of this resource>\n\nand plan again: only the missing recipients are then assigned.\n\n"+
			"If the seats were assigned outside Terraform: %s", len(held), c, listed(names), containerImportHint(c, "")))
	return diags
}

func (p *seatsPlan) warnings(c polar.Container, list *polar.SeatsList) diag.Diagnostics {
	var diags diag.Diagnostics
	var claimed, adopted []string
	activeRemoved := 0
	for _, h := range p.removed {
		if h.status == string(polar.SeatStatusClaimed) {
			claimed = append(claimed, fmt.Sprintf("%s (seat %s)", h.value, h.id))
		}
		activeRemoved++
	}
	if len(claimed) > 0 {
		diags.AddWarning(fmt.Sprintf("%d claimed seats of the %s will be revoked", len(claimed), c),
			fmt.Sprintf("These recipients are no longer listed and their seats are in use: %s. Applying revokes them and the people lose access.", listed(claimed)))
	}
	for _, h := range p.adopted {
		adopted = append(adopted, fmt.Sprintf("%s (seat %s)", h.value, h.id))
	}
	if len(adopted) > 0 {
		diags.AddWarning(fmt.Sprintf("%d seats assigned outside this resource will be managed by it", len(adopted)),
			fmt.Sprintf("These recipients were added to the configuration and already hold seats of the %s, assigned outside this resource: %s. "+
				"They are recorded as this resource's seats (no new assignment), and removing them later revokes them.", c, listed(adopted)))
	}
	if list != nil && p.assigning > list.AvailableSeats+activeRemoved {
		diags.AddAttributeWarning(containerPath(c), "More seats planned than available",
			fmt.Sprintf("This plan assigns %d new seats in the %s, which has total_seats = %d and available_seats = %d (%d more are freed by this plan). "+
				"The assignments beyond the free seats will fail unless more seats are bought. Pending invitations occupy seats until claimed or revoked.",
				p.assigning, c, list.TotalSeats, list.AvailableSeats, activeRemoved))
	}
	return diags
}
