package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ModifyPlan plans the seats of the container. The promise: nobody loses a
// seat unless the plan says so, and the plan says so only when the
// configuration removed them (or an exclusive resource, exclusive before
// and after, found them).
//   - a recipient set the configuration names as the state does (the same
//     recipients, perhaps spelled otherwise) is planned as the state's: no diff;
//   - a person is a person: a recipient that resolves to a seat in state
//     (by email, member id or external member id, in the container's list)
//     keeps that seat under the new form, and nothing is sent; two
//     recipients of one resource resolving to one seat fail the plan;
//   - seats keeps the seat of every recipient that stays, drops the ones
//     removed (the diff shows each with its seat id) and plans the new ones
//     as known after apply;
//   - seats held only because the resource was exclusive (or came in by an
//     import not yet applied) whose people the configuration does not name
//     are released — dropped from state, not revoked — unless the resource
//     is exclusive in state and configuration;
//   - a new recipient that already holds a seat of the container is adopted
//     in the plan, visibly, when the resource exists; when the resource is
//     being created it is an error — most often the replacement of a
//     resource tainted by a failed apply, which would revoke those seats
//     first — except in the create half of a replacement, whose destroy
//     revokes them first;
//   - two resources that would fight over a container, or a seat moving
//     between two, fail the plan (claims.go);
//   - warnings for renames, releases, seats taken from people using them,
//     capacity, and exclusive turned on.
//
// It reads the container with the shared list: one call per container.
func (r *customerSeatAssignmentsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.warnShortTimeout(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	var plan, cfg, state customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	pp := r.planPrivate(ctx, req, resp, creating)
	// A list the configuration leaves out manages nobody in that form.
	planRecipientLists(&plan, &cfg, &state, creating)
	if !creating && (!cfg.containerKnown() || cfg.container() != state.container()) {
		r.planContainerChange(ctx, &plan, &state, pp, readIDs(ctx, req.Private, privateUnlisted), resp)
		return
	}
	if !cfg.containerKnown() {
		r.claimUnplaced(&plan, pp.token, resp)
		plan.Seats = types.MapUnknown(seatEntryType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	container := cfg.container()
	if creating {
		plan.ID = types.StringValue(containerImportID(container))
	}
	planned, known := plan.recipients()
	if !known || plan.Exclusive.IsUnknown() {
		r.planUnknown(ctx, &plan, &state, container, pp.token, resp)
		return
	}
	r.planKnown(ctx, req, resp, knownPlan{plan: &plan, cfg: &cfg, state: &state, pp: pp, planned: planned, creating: creating})
}

// knownPlan is a plan whose container and recipients are known.
type knownPlan struct {
	plan, cfg, state *customerSeatAssignmentsModel
	pp               planPrivateState
	planned          []recipient
	creating         bool
}

// planKnown plans the seats of a known container for known recipients,
// from its list: kept, renamed, adopted, assigned, removed and released
// seats, the claim, and the warnings.
func (r *customerSeatAssignmentsResource) planKnown(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, k knownPlan) {
	plan, cfg, state, pp, planned, creating := k.plan, k.cfg, k.state, k.pp, k.planned, k.creating
	container := cfg.container()
	var list *polar.SeatsList
	if r.data != nil {
		var err error
		if list, err = r.data.seats.List(ctx, container); err != nil {
			resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot check the seats of the "+container.String(), err, container, "customer_seats:read")...)
			return
		}
	}
	in := seatsInput{planned: planned, list: list, creating: creating, release: func(heldSeat) bool { return false }}
	if !creating {
		in.inState = state.held()
		in.release = releaseRule(state, plan.Exclusive.ValueBool(), readIDs(ctx, req.Private, privateUnlisted))
	}
	if pp.replacing != nil && pp.replacing.container == container {
		in.replacing = pp.replacing.seats
	}
	p := planSeats(in)
	if len(p.twice) > 0 {
		resp.Diagnostics.Append(twiceDiag(cfg, container, p.twice)...)
		return
	}
	if r.data != nil {
		rec, names := p.claim(pp.token, plan.Exclusive.ValueBool(), in.replacing)
		if resp.Diagnostics.Append(r.data.claim(container, rec, names)...); resp.Diagnostics.HasError() {
			return
		}
		if !creating {
			r.data.rememberPrior(pp.token, replaced{container: container, seats: seatNames(p.revokedByDestroy(in.inState)), released: ids(p.released)})
		}
	}
	if len(p.alreadyHeld) > 0 {
		resp.Diagnostics.Append(alreadyHeldDiag(container, p.alreadyHeld)...)
		return
	}
	plan.setHeld(p.seats, plan.nullForms())
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	resp.Diagnostics.Append(writeIDs(ctx, resp.Private, privateReleased, idSet(ids(p.released)))...)
	resp.Diagnostics.Append(p.warnings(container, list, len(in.replacing))...)
	resp.Diagnostics.Append(p.transitionWarnings(container, state.Exclusive.IsNull())...)
	if plan.Exclusive.ValueBool() && (creating || !state.Exclusive.ValueBool()) {
		resp.Diagnostics.Append(exclusiveWarning(container, list, p.seats)...)
	}
}

// planUnknown plans recipients (or exclusive) known only at apply: the
// seats are decided there, where Terraform plans again with the values.
// Meanwhile the claim is what the resource may be: exclusive if it may be,
// holding what it holds now.
func (r *customerSeatAssignmentsResource) planUnknown(ctx context.Context, plan, state *customerSeatAssignmentsModel, c polar.Container, token string, resp *resource.ModifyPlanResponse) {
	if r.data != nil {
		rec := claimRecord{Token: token, Exclusive: plan.Exclusive.IsUnknown() || plan.Exclusive.ValueBool()}
		rec.Resource = describeTeam(nil, rec.Exclusive, false)
		names := claimNames{}
		for _, h := range state.held() {
			rec.Held = append(rec.Held, h.id)
			names[h.id] = h.value
		}
		resp.Diagnostics.Append(r.data.claim(c, rec, names)...)
	}
	plan.Seats = types.MapUnknown(seatEntryType)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// claimUnplaced claims a new resource whose container is known only at
// apply: it may assign its recipients in any container (claims.go).
func (r *customerSeatAssignmentsResource) claimUnplaced(plan *customerSeatAssignmentsModel, token string, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	rec := claimRecord{Token: token}
	if planned, known := plan.recipients(); known {
		rec.Keys = make([]string, 0, len(planned))
		for _, rc := range planned {
			rec.Keys = append(rec.Keys, rc.key())
		}
	}
	rec.Resource = describeTeam(rec.Keys, false, false) + " (its container known only at apply)"
	resp.Diagnostics.Append(r.data.claim(unplaced, rec, nil)...)
}

// planPrivateState is what a plan reads from and writes to private state:
// its token, and for the create half of a replacement what the first call
// found.
type planPrivateState struct {
	token     string
	replacing *replaced
}

// planPrivate gives a plan with a prior state a new token, in its planned
// private state; a create whose prior private state carries one is the
// create half of a replacement planned in this process: it keeps the token
// and marks the plan, which the replacement's destroy receives, with the
// seats that destroy leaves alone.
func (r *customerSeatAssignmentsResource) planPrivate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, creating bool) planPrivateState {
	var pp planPrivateState
	if !creating {
		pp.token = newPlanToken()
		b, _ := json.Marshal(pp.token)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateToken, b)...)
		return pp
	}
	if b, _ := req.Private.GetKey(ctx, privateToken); len(b) > 0 && r.data != nil {
		_ = json.Unmarshal(b, &pp.token)
		if prior, ok := r.data.priorOf(pp.token); ok {
			pp.replacing = &prior
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplacing, []byte(`true`))...)
			resp.Diagnostics.Append(writeIDs(ctx, resp.Private, privateReleased, idSet(prior.released))...)
		}
	}
	if pp.token == "" {
		pp.token = newPlanToken() // a plain create: never planned twice
	}
	return pp
}

// planContainerChange is the first call of the replacement a new container
// (or one unknown until apply) makes: it claims the removal of the old
// container's seats (and, while the new one is unknown, the recipients
// there too), for the second call (the create in the new container)
// remembers what the destroy revokes, and says who loses a seat.
func (r *customerSeatAssignmentsResource) planContainerChange(ctx context.Context, plan, state *customerSeatAssignmentsModel, pp planPrivateState, unlisted map[string]bool,
	resp *resource.ModifyPlanResponse) {
	old := state.container()
	release := releaseRule(state, plan.Exclusive.ValueBool() && !plan.Exclusive.IsUnknown(), unlisted)
	revoked, released := map[string]heldSeat{}, []string{}
	var left []string
	for _, h := range state.held() {
		if release(h) {
			released = append(released, h.id)
			left = append(left, fmt.Sprintf("%s (seat %s)", h.value, h.id))
			continue
		}
		revoked[h.id] = h
	}
	if len(left) > 0 {
		// The destroy half of the replacement revokes every seat in
		// state: it cannot leave these people alone, as this plan would.
		slices.Sort(left)
		resp.Diagnostics.AddAttributeError(containerPath(plan.container()), "Release the seats before moving the resource",
			fmt.Sprintf("This plan moves the resource from the %s to the %s, which replaces it, and it would also release %s: seats the resource "+
				"held only because it was exclusive (or adopted by its import) and that the configuration does not name. A replacement revokes every seat "+
				"in state, so it cannot leave them alone. Nothing has been sent. Apply the two changes one at a time: first keep the old container "+
				"and apply (the seats are released, nothing is revoked), then change the container.", old, plan.container(), listed(left)))
		return
	}
	if r.data != nil {
		rec := claimRecord{Token: pp.token, Resource: "a polar_customer_seat_assignments moving to another container", Keys: []string{}}
		if !plan.containerKnown() {
			// The container known only at apply may be this one again:
			// the recipients stay claimed here (the create half claims
			// nothing), as a polar_customer_seat's does.
			rec.Resource, rec.Keys = "a polar_customer_seat_assignments moving to a container known only at apply", nil
			if planned, known := plan.recipients(); known {
				rec.Keys = make([]string, 0, len(planned))
				for _, rc := range planned {
					rec.Keys = append(rec.Keys, rc.key())
				}
			}
		}
		names := claimNames{}
		for id, h := range revoked {
			rec.Removed = append(rec.Removed, id)
			names[id] = h.value
		}
		if resp.Diagnostics.Append(r.data.claim(old, rec, names)...); resp.Diagnostics.HasError() {
			return
		}
		r.data.rememberPrior(pp.token, replaced{container: old, seats: seatNames(revoked), released: released})
	}
	if len(revoked) > 0 {
		var names []string
		for _, h := range revoked {
			names = append(names, fmt.Sprintf("%s (seat %s)", h.value, h.id))
		}
		resp.Diagnostics.AddAttributeWarning(containerPath(old), "A new container replaces the resource",
			fmt.Sprintf("This plan moves the resource to another subscription or order, which replaces it: the %d seats of the %s are revoked — %s — "+
				"and the recipients are assigned seats of the new container (Polar mails invitations unless immediate_claim is set).", len(revoked), old, listed(names)))
	}
	plan.Seats = types.MapUnknown(seatEntryType)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// planDestroy claims the removal of every seat in state, so that a seat
// the destroy revokes and another resource keeps is refused as a move.
func (r *customerSeatAssignmentsResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// A destroy revokes every seat in state, whatever an earlier plan left
	// in private state.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReleased, nil)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplacing, nil)...)
	if r.data == nil {
		return
	}
	var state customerSeatAssignmentsModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	rec := claimRecord{Token: newPlanToken(), Keys: []string{}}
	names := claimNames{}
	var had []string
	for _, h := range state.held() {
		rec.Removed = append(rec.Removed, h.id)
		names[h.id] = h.value
		had = append(had, h.key())
	}
	slices.Sort(had)
	rec.Resource = describeTeam(had, false, true)
	resp.Diagnostics.Append(r.data.claim(state.container(), rec, names)...)
}

// releaseRule says which seats in state a plan releases when the
// configuration does not name their people: all of them while the state
// comes from an import not yet applied (exclusive is null then), else the
// ones held only because the resource was exclusive, unless it is
// exclusive in state and configuration.
func releaseRule(state *customerSeatAssignmentsModel, planExclusive bool, unlisted map[string]bool) func(heldSeat) bool {
	imported := state.Exclusive.IsNull()
	bothExclusive := state.Exclusive.ValueBool() && planExclusive
	return func(h heldSeat) bool { return imported || (unlisted[h.id] && !bothExclusive) }
}

// planRecipientLists plans each recipient list as configured, or as in state
// when the configuration names the same recipients. Terraform takes the
// prior value in place of a configured one only when both are set; a list
// left out of the configuration may be planned as anything (the attribute
// is computed for this).
func planRecipientLists(plan, cfg, state *customerSeatAssignmentsModel, creating bool) {
	for i, list := range plan.lists() {
		configured := *cfg.lists()[i]
		*list = configured
		if creating || configured.IsUnknown() {
			continue
		}
		prior := *state.lists()[i]
		if (configured.IsNull() && len(prior.Elements()) == 0) || (!configured.IsNull() && !prior.IsNull() && sameRecipients(configured.ListValue, prior.ListValue, recipientForms[i])) {
			*list = prior
		}
	}
	// email_recipients is not computed: planned as configured, or as the
	// prior value when that names the same people with the same metadata.
	plan.EmailRecipients = cfg.EmailRecipients
	if !creating && sameEmailRecipients(cfg.EmailRecipients, state.EmailRecipients) {
		plan.EmailRecipients = state.EmailRecipients
	}
}

// sameEmailRecipients reports whether two email_recipients values name the
// same recipients, in any spelling, each with the same metadata.
func sameEmailRecipients(a, b types.Map) bool {
	if a.IsNull() || b.IsNull() || a.IsUnknown() || b.IsUnknown() || len(a.Elements()) != len(b.Elements()) {
		return false
	}
	byKey := make(map[string]attr.Value, len(a.Elements()))
	for k, v := range a.Elements() {
		byKey[emailMapForm.norm(k)] = v
	}
	for k, v := range b.Elements() {
		if w, ok := byKey[emailMapForm.norm(k)]; !ok || !w.Equal(v) {
			return false
		}
	}
	return true
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

// sameRecipients reports whether two recipient lists name the same
// recipients, in any order and spelling.
func sameRecipients(a, b types.List, form *recipientForm) bool {
	if a.IsUnknown() || b.IsUnknown() || len(a.Elements()) != len(b.Elements()) {
		return false
	}
	keys := make(map[string]bool, len(a.Elements()))
	for _, e := range a.Elements() {
		keys[form.norm(e.(types.String).ValueString())] = true //nolint:forcetypeassert // lists of strings
	}
	for _, e := range b.Elements() {
		if !keys[form.norm(e.(types.String).ValueString())] { //nolint:forcetypeassert // lists of strings
			return false
		}
	}
	return true
}

// seatsInput is what a plan of the container's seats starts from.
type seatsInput struct {
	planned  []recipient
	inState  map[string]heldSeat // by recipient key
	list     *polar.SeatsList
	creating bool
	// replacing are the seats (id -> who) the destroy of the replacement
	// this create belongs to revokes first.
	replacing map[string]string
	// release says whether a seat in state whose person the configuration
	// does not name is released rather than revoked.
	release func(heldSeat) bool
}

// seatsPlan is what a plan does to the seats of one container.
type seatsPlan struct {
	seats       []heldSeat // planned; id "" for a seat assigned by apply
	adopted     []heldSeat
	renamed     []renamedSeat
	alreadyHeld []heldSeat
	removed     []heldSeat
	released    []heldSeat
	twice       []namedTwice
	assigning   int
}

// renamedSeat is a seat in state now named in another form or spelling.
type renamedSeat struct {
	from recipient
	to   heldSeat
}

// namedTwice is two configured recipients that resolve to one seat.
type namedTwice struct {
	first, second recipient
	id            string
}

// planSeats decides each configured recipient's seat and each seat in
// state's fate. A recipient resolves to a seat by its key in state, else by
// the container's list (the seat that holds it now): a seat in state so
// found is kept under the new name, one outside is adopted (or, on create,
// already held). A seat in state that no recipient resolves to is released
// or removed.
func planSeats(in seatsInput) seatsPlan {
	var p seatsPlan
	byID := make(map[string]heldSeat, len(in.inState))
	for _, h := range in.inState {
		byID[h.id] = h
	}
	taken := make(map[string]recipient, len(in.planned))
	var holders map[string]*polar.CustomerSeat
	for _, rc := range in.planned {
		h, inState := in.inState[rc.key()]
		var holder *polar.CustomerSeat
		if !inState {
			if holders == nil {
				holders = activeHolders(in.list)
			}
			if holder = holderOf(holders, rc); holder != nil {
				h, inState = byID[holder.ID]
			}
		}
		id := h.id
		if holder != nil && !inState {
			id = holder.ID
		}
		if id != "" {
			if first, dup := taken[id]; dup {
				p.twice = append(p.twice, namedTwice{first: first, second: rc, id: id})
				continue
			}
			taken[id] = rc
		}
		switch {
		case inState:
			if h.key() != rc.key() {
				p.renamed = append(p.renamed, renamedSeat{from: h.recipient, to: heldSeat{recipient: rc, id: h.id, status: h.status}})
			}
			h.recipient = rc
			p.seats = append(p.seats, h)
		case holder != nil && in.replacing[holder.ID] != "":
			// Revoked by the replacement's destroy first, then assigned again.
			p.assigning++
			p.seats = append(p.seats, heldSeat{recipient: rc})
		case holder != nil && in.creating:
			p.alreadyHeld = append(p.alreadyHeld, heldSeat{recipient: rc, id: holder.ID, status: string(holder.Status)})
		case holder != nil:
			h := heldSeat{recipient: rc, id: holder.ID, status: string(holder.Status)}
			p.adopted = append(p.adopted, h)
			p.seats = append(p.seats, h)
		default:
			p.assigning++
			p.seats = append(p.seats, heldSeat{recipient: rc})
		}
	}
	for _, h := range in.inState {
		switch {
		case isTaken(taken, h.id):
		case in.release(h):
			p.released = append(p.released, h)
		default:
			p.removed = append(p.removed, h)
		}
	}
	return p
}

func isTaken(taken map[string]recipient, id string) bool {
	_, ok := taken[id]
	return ok
}

// claim is the plan's claim on the container and who holds each seat and
// key, for messages.
func (p *seatsPlan) claim(token string, exclusive bool, replacing map[string]string) (claimRecord, claimNames) {
	rec := claimRecord{Token: token, Exclusive: exclusive, Keys: []string{}}
	names := claimNames{}
	for _, h := range p.seats {
		rec.Keys = append(rec.Keys, h.key())
		if h.id != "" {
			rec.Held = append(rec.Held, h.id)
			names[h.id] = h.value
		}
	}
	for _, h := range p.alreadyHeld {
		rec.Keys = append(rec.Keys, h.key())
		rec.Held = append(rec.Held, h.id)
		names[h.id] = h.value
	}
	for _, h := range p.removed {
		rec.Removed = append(rec.Removed, h.id)
		names[h.id] = h.value
	}
	for id, who := range replacing {
		rec.Removed = append(rec.Removed, id)
		names[id] = who
	}
	rec.Resource = describeTeam(rec.Keys, exclusive, false)
	return rec, names
}

// revokedByDestroy are the seats in state a destroy in place of this plan
// (a replacement) would revoke: all but the released ones.
func (p *seatsPlan) revokedByDestroy(inState map[string]heldSeat) map[string]heldSeat {
	out := map[string]heldSeat{}
	for _, h := range inState {
		out[h.id] = h
	}
	for _, h := range p.released {
		delete(out, h.id)
	}
	return out
}

func seatNames(seats map[string]heldSeat) map[string]string {
	out := make(map[string]string, len(seats))
	for id, h := range seats {
		out[id] = h.value
	}
	return out
}

func ids(seats []heldSeat) []string {
	out := make([]string, 0, len(seats))
	for _, h := range seats {
		out = append(out, h.id)
	}
	return out
}

func idSet(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// twiceDiag refuses recipients of one resource that name one person.
func twiceDiag(cfg *customerSeatAssignmentsModel, c polar.Container, twice []namedTwice) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, tw := range twice {
		first, second := recipientPath(cfg, tw.first), recipientPath(cfg, tw.second)
		diags.AddAttributeError(second, "One person named twice",
			fmt.Sprintf("%s (%q) and %s (%q) name the same person: both resolve to seat %s of the %s. Polar gives a person one seat per container, "+
				"so the resource cannot hold one for each. Name each person once, in one form.", first, tw.first.value, second, tw.second.value, tw.id, c))
	}
	return diags
}

// recipientPath is where a recipient is in the configuration: its set
// and its index there.
func recipientPath(m *customerSeatAssignmentsModel, rc recipient) path.Path {
	if rc.form == emailMapForm {
		return path.Root(rc.form.attr).AtMapKey(rc.value)
	}
	for i, f := range recipientForms {
		if f != rc.form {
			continue
		}
		for j, e := range m.lists()[i].Elements() {
			if s, ok := e.(types.String); ok && s.ValueString() == rc.value {
				return path.Root(f.attr).AtListIndex(j)
			}
		}
		return path.Root(f.attr)
	}
	return path.Empty()
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
		if rc, ok := seatRecipient(s); ok && rc.form == emailForm {
			out[rc.key()] = s
		}
		if s.MemberID != nil {
			out[recipient{form: memberIDForm, value: *s.MemberID}.key()] = s
		}
		if s.Member != nil && s.Member.ExternalID != nil {
			out[recipient{form: externalMemberIDForm, value: *s.Member.ExternalID}.key()] = s
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

func (p *seatsPlan) warnings(c polar.Container, list *polar.SeatsList, freed int) diag.Diagnostics {
	var diags diag.Diagnostics
	var claimed, adopted []string
	activeRemoved := freed
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
		diags.AddWarning(counted(len(adopted), "seat")+" assigned outside this resource will be managed by it",
			fmt.Sprintf("These recipients were added to the configuration and already hold seats of the %s, assigned outside this resource: %s. "+
				"They are recorded as this resource's seats (no new assignment), and removing them later revokes them.", c, listed(adopted)))
	}
	if list != nil && p.assigning > list.AvailableSeats+activeRemoved {
		diags.AddAttributeWarning(containerPath(c), "More seats planned than available",
			fmt.Sprintf("This plan assigns %s in the %s, which has total_seats = %d and available_seats = %d (%d more are freed by this plan). "+
				"The assignments beyond the free seats will fail unless more seats are bought. Pending invitations occupy seats until claimed or revoked.",
				counted(p.assigning, "new seat"), c, list.TotalSeats, list.AvailableSeats, activeRemoved))
	}
	return diags
}

// transitionWarnings say what the plan does without a write: people named
// in another form keep their seats, and released people keep theirs.
func (p *seatsPlan) transitionWarnings(c polar.Container, imported bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(p.renamed) > 0 {
		var names []string
		for _, rn := range p.renamed {
			names = append(names, fmt.Sprintf("%s is now named by %s (seat %s)", rn.from.value, rn.to.recipient, rn.to.id))
		}
		diags.AddWarning(fmt.Sprintf("%d recipients named another way keep their seats", len(p.renamed)),
			fmt.Sprintf("%s. Same seats of the %s: nothing is sent to Polar.", listed(names), c))
	}
	if len(p.released) > 0 {
		var names []string
		for _, h := range p.released {
			names = append(names, fmt.Sprintf("%s (seat %s)", h.value, h.id))
		}
		why := "were in state only because the resource was exclusive"
		if imported {
			why = "came in with the import, which adopts every seat of the container"
		}
		diags.AddWarning(fmt.Sprintf("%d seats left alone: no longer managed by this resource", len(p.released)),
			fmt.Sprintf("The configuration does not name these people, who %s: %s. They are dropped from state and left alone: they keep their seats "+
				"in the %s, and nothing is sent to Polar.", why, listed(names), c))
	}
	return diags
}
