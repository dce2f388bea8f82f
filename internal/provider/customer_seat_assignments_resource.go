package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// seatWorkers is how many assignments or revokes of one resource are in
// flight at once: enough to keep the client's pace busy while answers
// travel; the pace itself is the client's.
const seatWorkers = 8

var (
	_ resource.ResourceWithConfigure        = (*customerSeatAssignmentsResource)(nil)
	_ resource.ResourceWithImportState      = (*customerSeatAssignmentsResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*customerSeatAssignmentsResource)(nil)
	_ resource.ResourceWithConfigValidators = (*customerSeatAssignmentsResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*customerSeatAssignmentsResource)(nil)
	_ resource.ResourceWithIdentity         = (*customerSeatAssignmentsResource)(nil)
)

// NewCustomerSeatAssignmentsResource is the polar_customer_seat_assignments factory.
func NewCustomerSeatAssignmentsResource() resource.Resource {
	return &customerSeatAssignmentsResource{}
}

type customerSeatAssignmentsResource struct {
	data *providerData
}

func (r *customerSeatAssignmentsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_seat_assignments"
}

func (r *customerSeatAssignmentsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	recipientList := func(form *recipientForm, desc string, v ...validator.String) schema.ListAttribute {
		return schema.ListAttribute{
			CustomType: newRecipientListType(form),
			MarkdownDescription: desc + " Order does not matter and each recipient may appear once (a list, not a set, only because sets cost " +
				"quadratic time in the plugin framework). Adding a recipient assigns a seat, removing one revokes its seat; the others are not touched. " +
				"A person named in another list keeps their seat.",
			ElementType: types.StringType,
			// Computed only so that the plan can keep the spelling in state
			// when the configuration names the same recipients differently,
			// and so that an exclusive resource can show the seats it found.
			Optional: true, Computed: true,
			Validators: []validator.List{listvalidator.ValueStringsAre(append(v, noNULValidator{})...)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns the seats of one Polar seat-based subscription or order to a set of recipients, in one resource. " +
			"Adding a recipient assigns a seat (Polar mails an invitation unless `immediate_claim` is set), removing one revokes its seat, and the seats of " +
			"recipients that stay are never touched. With `exclusive = true` the resource is authoritative: a seat held by anyone not listed shows in the plan " +
			"as a removal and is revoked by apply. One list call per plan, whatever the number of seats.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`subscription/<subscription_id>` or `order/<order_id>`: the container, which is also the import ID.",
				Computed:            true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"subscription_id": schema.StringAttribute{
				MarkdownDescription: "The seat-based subscription whose seats these are (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id` is required. Changing it replaces the resource.",
				Optional:            true, PlanModifiers: replace,
				Validators: []validator.String{uuidValidator{version4: true}},
			},
			"order_id": schema.StringAttribute{
				MarkdownDescription: "The paid one-time order whose seats these are (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id` is required. Changing it replaces the resource.",
				Optional:            true, PlanModifiers: replace,
				Validators: []validator.String{uuidValidator{version4: true}},
			},
			"emails": recipientList(emailForm, "Recipients by email, checked at plan time as Polar checks them. Spellings Polar stores as the same address "+
				"(`Alice@EXAMPLE.com`, `alice@example.com`) are the same recipient and show no diff.", emailValidator{}),
			"email_recipients": schema.MapAttribute{
				MarkdownDescription: "Recipients by email, as the keys of a map whose values are each recipient's own seat metadata (`{}` for none), " +
					"merged over `metadata` (the recipient's keys win; a null value is a key not set, so `metadata`'s applies). Everything `emails` does, for teams of thousands: Terraform compares a map in linear " +
					"time and a list in quadratic time: a no-change plan of a 50,000-seat team took about 1.3 minutes of CPU and 1.7 GB on the provider's " +
					"benchmark machine, against 4.5 minutes and 20 GB as `emails` (see the large teams guide). Keys are checked as `emails` are, and spellings Polar stores as the same address show no diff. " +
					"A person moved between `emails` and `email_recipients` keeps the seat; naming one in both is an error. Like `metadata`, a recipient's " +
					"metadata applies to the seat assigned from now on: changing it sends nothing (Polar has no call to change an existing seat's metadata).",
				ElementType: emailRecipientsElem, Optional: true,
				Validators: []validator.Map{
					mapvalidator.KeysAre(emailValidator{}, noNULValidator{}),
					mapvalidator.ValueMapsAre(metadataValidator{}),
				},
			},
			"member_ids": recipientList(memberIDForm, "Recipients by Polar member id (a lowercase, hyphenated UUID) of members of the billing customer (member-model organizations).", uuidValidator{}),
			"external_member_ids": recipientList(externalMemberIDForm, "Recipients by your own member id (the member's `external_id` under the billing customer). The member must exist.",
				stringvalidator.LengthAtLeast(1)),
			"immediate_claim": schema.BoolAttribute{
				MarkdownDescription: "Claim new seats at once, without an invitation email. Defaults to `false`. Applies to seats assigned from now on; changing it does not touch existing seats.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"metadata": schema.MapAttribute{
				MarkdownDescription: "String key/values stored on each new seat (`seat_metadata`), within Polar's limits (10 keys, 1024 characters as Polar measures them). " +
					"Applies to seats assigned from now on; Polar has no call to change the metadata of an existing seat. A null value is a key not set.",
				ElementType: types.StringType, Optional: true,
				Validators: []validator.Map{metadataValidator{}},
			},
			"exclusive": schema.BoolAttribute{
				MarkdownDescription: "`false` (default): the resource manages the recipients it lists and ignores every other seat of the container. " +
					"`true`: the resource is authoritative for the container. Refresh reads every active seat into state, so a seat held by someone not listed " +
					"shows in the plan as a removal (with its email and seat id) and apply revokes it. Turning it off keeps everyone: the seats held only because " +
					"the resource was exclusive are dropped from state, not revoked. An exclusive resource shares its container with no other seat resource: " +
					"the plan fails if the configuration has both.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			},
			// A map of objects, not nested attributes: the framework walks
			// nested attributes element by element on every plan.
			"seats": schema.MapAttribute{
				MarkdownDescription: "The seat each recipient holds, keyed by the recipient as written in `emails`, `member_ids` or `external_member_ids`: " +
					"an object with the seat's `id` and its `status`, `pending` (invited, not yet claimed) or `claimed`.",
				Computed:    true,
				ElementType: seatEntryType,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx, timeouts.Opts{Create: true, Update: true, Delete: true,
				CreateDescription: "How long assigning every seat may take, rate-limit waits included. " + timeoutDefaultDoc,
				UpdateDescription: "How long the assignments and revokes of one change may take. " + timeoutDefaultDoc,
				DeleteDescription: "How long revoking every seat may take. " + timeoutDefaultDoc}),
		},
	}
}

// IdentitySchema: the resource is its container.
func (r *customerSeatAssignmentsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id": identityschema.StringAttribute{OptionalForImport: true, Description: "The subscription. Set this or order_id."},
			"order_id":        identityschema.StringAttribute{OptionalForImport: true, Description: "The order. Set this or subscription_id."},
		},
	}
}

func (r *customerSeatAssignmentsResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("subscription_id"), path.MatchRoot("order_id")),
	}
}

// ValidateConfig refuses one recipient named twice: two spellings of one
// email, or one value in two lists (seats is keyed by the value), among the
// recipients known now; and metadata over Polar's limits once an
// email_recipients entry's own is merged in.
func (r *customerSeatAssignmentsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateMergedMetadata(&cfg, &resp.Diagnostics)
	rs := cfg.knownRecipients()
	byKey, byValue := map[string]recipient{}, map[string]recipient{}
	for _, rc := range rs {
		if rc.form.single == emailForm.single {
			if _, err := emailaddr.Normalize(rc.value); err != nil {
				continue // reported by the element validator
			}
		}
		if prev, ok := byKey[rc.key()]; ok {
			where := ""
			if prev.form != rc.form {
				where = fmt.Sprintf(" (in %s and %s)", prev.form.attr, rc.form.attr)
			}
			resp.Diagnostics.AddAttributeError(recipientPath(&cfg, rc), "Recipient listed twice",
				fmt.Sprintf("%q and %q are the same recipient as Polar stores it%s. List each recipient once.", prev.value, rc.value, where))
		} else if prev, ok := byValue[rc.value]; ok && prev.form != rc.form {
			resp.Diagnostics.AddAttributeError(recipientPath(&cfg, rc), "Recipient listed twice",
				fmt.Sprintf("%q is in both %s and %s; seats is keyed by the value, so it may appear in one list only.", rc.value, prev.form.attr, rc.form.attr))
		}
		byKey[rc.key()], byValue[rc.value] = rc, rc
	}
}

// validateMergedMetadata checks, for each email_recipients entry with
// metadata of its own, the metadata its seat gets (mergedMetadata, as an
// apply sends it) against Polar's limits.
func validateMergedMetadata(cfg *customerSeatAssignmentsModel, diags *diag.Diagnostics) {
	if cfg.Metadata.IsUnknown() || hasUnknownValue(cfg.Metadata) {
		return // each part alone is checked by its attribute's validator
	}
	common := metadataStrings(cfg.Metadata)
	if len(common) == 0 {
		return
	}
	for email, v := range cfg.EmailRecipients.Elements() {
		own, ok := v.(types.Map)
		if !ok || own.IsUnknown() || hasUnknownValue(own) || len(metadataStrings(own)) == 0 {
			continue
		}
		diags.Append(metadataLimits(path.Root(emailMapForm.attr).AtMapKey(email), mergedMetadata(common, own),
			" That is the metadata of this recipient's seat: the resource's metadata and the recipient's own together.")...)
	}
}

// hasUnknownValue reports whether a map has an element known only at apply.
func hasUnknownValue(m types.Map) bool {
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

func (r *customerSeatAssignmentsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *customerSeatAssignmentsResource) configured(diags *diag.Diagnostics) bool {
	return requireConfigured(r.data, diags)
}

func (r *customerSeatAssignmentsResource) writer() *seatWriter {
	return &seatWriter{providerData: r.data, adoptHint: containerImportHint}
}

func (r *customerSeatAssignmentsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, r.data.defaultTimeout(seatWrites(&plan, nil)))
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	rs, _ := plan.recipients()
	assigned, diags := r.assignAll(ctx, &plan, rs)
	plan.ID = types.StringValue(containerImportID(plan.container()))
	plan.setHeld(assigned, plan.nullForms())
	resp.Diagnostics.Append(diags...) // adoptions after lost answers warn, as in an update
	if diags.HasError() {
		if len(assigned) == 0 {
			return // nothing exists: nothing to record
		}
		resp.Diagnostics.AddError("Only some seats were assigned",
			fmt.Sprintf("%d of %d recipients of the %s now hold seats; the others failed (see the errors above). The seats that were assigned are recorded in state. "+
				"Terraform marks this resource tainted, and a tainted resource is replaced: every seat revoked, then assigned again. The plan refuses that "+
				"replacement, so nobody loses a seat. Fix the cause, then run\n\n  terraform untaint <address of this resource>\n\n"+
				"and apply again: only the missing recipients are assigned.", len(assigned), len(rs), plan.container()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityOf(plan.container()))...)
	}
}

func (r *customerSeatAssignmentsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	container := state.container()
	if resp.Identity != nil && resp.Identity.Raw.IsFullyNull() {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityOf(container))...)
	}
	if r.data == nil {
		resp.Diagnostics.AddWarning("Seats not refreshed",
			"The provider configuration is not known yet (for example the access token comes from another resource), so the seats of the "+container.String()+" were not read. They are refreshed on the next plan.")
		return
	}
	list, err := r.data.seats.List(ctx, container)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot read the seats of the "+container.String(), err, container, "customer_seats:read")...)
		return
	}
	pending := readUnansweredRevokes(ctx, req.Private)
	held, drifted, landed := refreshHeld(&state, list, pending)
	if len(landed) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%d earlier revokes in the %s were carried out", len(landed), container),
			fmt.Sprintf("An earlier apply sent revokes of these seats that got no answer, and Polar has carried them out: %s. They are removed from state.", listed(landed)))
	}
	if len(drifted) > 0 {
		tflog.Warn(ctx, "Seats drifted", map[string]any{"container": container.String(), "recipients": len(drifted)})
		resp.Diagnostics.AddWarning(fmt.Sprintf("%d recipients of the %s no longer hold their seats", len(drifted), container),
			fmt.Sprintf("These seats were revoked or given to someone else outside Terraform: %s. They are removed from state, and the plan assigns "+
				"new seats to those recipients (Polar mails new invitations unless immediate_claim is set). If that is not wanted, remove them from the configuration.", listed(drifted)))
	}
	// Seats held only because the resource is exclusive are recorded as
	// such: a plan that is not exclusive on both sides releases them.
	prior := readIDs(ctx, req.Private, privateUnlisted)
	unlisted := map[string]bool{}
	for _, h := range held {
		unlisted[h.id] = prior[h.id]
	}
	if state.Exclusive.ValueBool() {
		others := othersHolding(list, held)
		for _, h := range others {
			unlisted[h.id] = true
		}
		held = append(held, others...)
	}
	state.setHeld(held, state.nullForms())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(writeIDs(ctx, resp.Private, privateUnlisted, unlisted)...)
	if len(landed) > 0 {
		pending.prune(held)
		resp.Diagnostics.Append(pending.write(ctx, resp.Private)...)
	}
}

// refreshHeld checks each seat in state against the list: kept while it is
// active and holds its recipient, with its current status; otherwise it is
// reported as drifted, or as landed when it is a seat whose unanswered
// revoke (pending) Polar has carried out since.
func refreshHeld(state *customerSeatAssignmentsModel, list *polar.SeatsList, pending unansweredRevokes) (held []heldSeat, drifted, landed []string) {
	rs, _ := state.recipients()
	inState := state.held()
	find := list.Finder()
	for _, rc := range rs {
		h, ok := inState[rc.key()]
		if !ok {
			drifted = append(drifted, rc.String()+" (no seat)")
			continue
		}
		seat, found := find(h.id)
		if !found || !rc.holds(&seat) {
			if _, ours := pending[h.id]; ours {
				landed = append(landed, fmt.Sprintf("%s (seat %s)", rc, h.id))
			} else {
				drifted = append(drifted, fmt.Sprintf("%s (seat %s)", rc, h.id))
			}
			continue
		}
		h.status = string(seat.Status)
		held = append(held, h)
	}
	return held, drifted, landed
}

// othersHolding are the active seats of the list that none of held has:
// what an exclusive resource shows, by email (else member id).
func othersHolding(list *polar.SeatsList, held []heldSeat) []heldSeat {
	ids, values := map[string]bool{}, map[string]bool{}
	for _, h := range held {
		ids[h.id], values[h.value] = true, true
	}
	var out []heldSeat
	for i := range list.Seats {
		s := &list.Seats[i]
		if !s.Status.Active() || ids[s.ID] {
			continue
		}
		rc, ok := seatRecipient(s)
		if !ok || values[rc.value] {
			continue
		}
		values[rc.value] = true
		out = append(out, heldSeat{recipient: rc, id: s.ID, status: string(s.Status)})
	}
	return out
}

// Update assigns the recipients the plan adds and revokes the seats it
// removes; the others are not touched. A seat is revoked only if it is in
// the prior state and not in the planned one, and the plan did not release
// it: a person named another way keeps the seat. Revokes go first, so that
// the seats they free can be assigned in the same apply.
func (r *customerSeatAssignmentsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, r.data.defaultTimeout(seatWrites(&plan, &state)))
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	planned, _ := plan.recipients()
	inState := state.held()
	inPlan := plan.held()
	var result []heldSeat
	var toAssign []recipient
	for _, rc := range planned {
		h, ok := inPlan[rc.key()] // kept, or adopted by the plan
		if !ok {
			// The plan could not say (recipients known only at apply): a
			// recipient already holding a seat keeps it.
			h, ok = inState[rc.key()]
		}
		if ok {
			h.recipient = rc
			result = append(result, h)
			continue
		}
		toAssign = append(toAssign, rc)
	}
	kept := map[string]bool{}
	for _, h := range result {
		kept[h.id] = true
	}
	released := readIDs(ctx, req.Private, privateReleased)
	var toRevoke []heldSeat
	for _, h := range inState {
		if !kept[h.id] && !released[h.id] {
			toRevoke = append(toRevoke, h)
			kept[h.id] = true // once, even if a state holds it under two names
		}
	}
	pending := readUnansweredRevokes(ctx, req.Private)
	notRevoked, diags := r.revokeAll(ctx, state.container(), toRevoke, pending)
	resp.Diagnostics.Append(diags...)
	assigned, diags := r.assignAll(ctx, &plan, toAssign)
	resp.Diagnostics.Append(diags...)
	result = append(append(result, assigned...), notRevoked...)
	// What state records is what holds seats now: a recipient whose
	// assignment failed is left out (the next plan adds it again), one whose
	// revoke failed stays in, and a revoke that may still land is
	// remembered.
	plan.setHeld(result, plan.nullForms())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	pending.prune(result)
	resp.Diagnostics.Append(pending.write(ctx, resp.Private)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityOf(plan.container()))...)
	}
	// The private state goes on from the plan's: what it released is gone,
	// and a seat still unlisted is one whose revoke failed.
	unlisted, stillUnlisted := readIDs(ctx, req.Private, privateUnlisted), map[string]bool{}
	for _, h := range notRevoked {
		stillUnlisted[h.id] = unlisted[h.id]
	}
	resp.Diagnostics.Append(writeIDs(ctx, resp.Private, privateUnlisted, stillUnlisted)...)
	for _, key := range []string{privateReleased, privateToken, privateReplacing} {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, key, nil)...)
	}
}

// Delete revokes every seat in state — but not the ones the plan released
// (the destroy of a replacement leaves those alone, as an update would).
func (r *customerSeatAssignmentsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state customerSeatAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, r.data.defaultTimeout(seatWrites(nil, &state)))
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	released := readIDs(ctx, req.Private, privateReleased)
	var all []heldSeat
	for _, h := range state.held() {
		if !released[h.id] {
			all = append(all, h)
		}
	}
	pending := readUnansweredRevokes(ctx, req.Private)
	notRevoked, diags := r.revokeAll(ctx, state.container(), all, pending)
	resp.Diagnostics.Append(diags...)
	if replacing, _ := req.Private.GetKey(ctx, privateReplacing); len(replacing) > 0 && len(all) > 0 && !diags.HasError() {
		var names []string
		for _, h := range all {
			names = append(names, fmt.Sprintf("%s (seat %s)", h.value, h.id))
		}
		resp.Diagnostics.AddWarning("Seats revoked to replace the resource",
			fmt.Sprintf("Replacing the resource revoked the %d seats it held in the %s: %s. The new resource assigns its recipients again; "+
				"they lose access until they accept the new invitations (unless immediate_claim is set).", len(all), state.container(), listed(names)))
	}
	if diags.HasError() {
		// State keeps the seats; a revoke that may still land is remembered.
		pending.prune(notRevoked)
		resp.Diagnostics.Append(pending.write(ctx, resp.Private)...)
	}
}

// assignAll assigns a seat to each recipient, seatWorkers at a time, each
// exactly once (seatWriter.assignOnce). It returns the seats assigned; the
// errors name their recipients. Once the operation is interrupted or out of
// time, no new assignment starts (the ones on their way finish and are
// recorded), and one error counts the recipients left.
func (r *customerSeatAssignmentsResource) assignAll(ctx context.Context, m *customerSeatAssignmentsModel, rs []recipient) ([]heldSeat, diag.Diagnostics) {
	w := r.writer()
	assignment := m.assignments()
	assigned, _, diags := forEach(ctx, "assigned", m.container(), rs, func(rc recipient) (heldSeat, bool, diag.Diagnostics) {
		seat, diags := w.assignOnce(ctx, assignment(rc))
		if seat == nil {
			return heldSeat{}, false, diags
		}
		return heldSeat{recipient: rc, id: seat.ID, status: string(seat.Status)}, true, diags
	})
	return assigned, diags // recipients not started hold no seat
}

// revokeAll revokes each seat while it holds its recipient, seatWorkers at a
// time, never while an earlier revoke of it may still land (pending, which
// it updates). The revokes are decided together, now: their first
// ownership checks share a list fetched after this moment (checkSince). It
// returns the seats that may still hold their recipients.
func (r *customerSeatAssignmentsResource) revokeAll(ctx context.Context, c polar.Container, seats []heldSeat, pending unansweredRevokes) ([]heldSeat, diag.Diagnostics) {
	w := r.writer()
	w.decided = time.Now() // every revoke of the batch, decided together
	var mu sync.Mutex
	held, notStarted, diags := forEach(ctx, "revoked", c, seats, func(h heldSeat) (heldSeat, bool, diag.Diagnostics) {
		mu.Lock()
		unanswered := pending[h.id]
		mu.Unlock()
		at, d := w.revoke(ctx, seatRef{container: c, id: h.id, holds: h.holds, who: h.String(), unanswered: unanswered})
		mu.Lock()
		pending.record(h.id, at)
		mu.Unlock()
		return h, d.HasError(), d
	})
	return append(held, notStarted...), diags // revokes not started: still held
}

// forEach runs fn over items with seatWorkers goroutines and gathers the
// results fn keeps, and every diagnostic. Items not started when ctx ends
// are skipped, returned, and counted in one error.
func forEach[T any](ctx context.Context, verb string, c polar.Container, items []T, fn func(T) (heldSeat, bool, diag.Diagnostics)) (kept []heldSeat, skipped []T, diags diag.Diagnostics) {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	prog := startProgress(ctx, verb, c, len(items), time.Now)
	work := make(chan T)
	for range min(seatWorkers, len(items)) {
		wg.Go(func() {
			for it := range work {
				if ctx.Err() != nil {
					mu.Lock()
					skipped = append(skipped, it)
					mu.Unlock()
					continue
				}
				h, keep, d := fn(it)
				prog.step(d.HasError())
				mu.Lock()
				if keep {
					kept = append(kept, h)
				}
				diags.Append(d...)
				mu.Unlock()
			}
		})
	}
	for _, it := range items {
		work <- it
	}
	close(work)
	wg.Wait()
	prog.finish(len(skipped))
	if len(skipped) > 0 {
		diags.AddError(fmt.Sprintf("%d seats of the %s not %s", len(skipped), c, verb),
			fmt.Sprintf("The operation was interrupted or ran out of time (the resource's timeouts) before %d of %d seats were %s; nothing was sent for them. "+
				"Everything that was sent finished and is recorded in state. Run the operation again.", len(skipped), len(items), verb))
	}
	return kept, skipped, diags
}
