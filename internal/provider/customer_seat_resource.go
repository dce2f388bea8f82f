package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

var (
	_ resource.ResourceWithConfigure        = (*customerSeatResource)(nil)
	_ resource.ResourceWithImportState      = (*customerSeatResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*customerSeatResource)(nil)
	_ resource.ResourceWithConfigValidators = (*customerSeatResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*customerSeatResource)(nil)
	_ resource.ResourceWithIdentity         = (*customerSeatResource)(nil)
)

// NewCustomerSeatResource is the polar_customer_seat resource factory.
func NewCustomerSeatResource() resource.Resource { return &customerSeatResource{} }

type customerSeatResource struct {
	data *providerData
}

type customerSeatModel struct {
	ID                 types.String   `tfsdk:"id"`
	SubscriptionID     types.String   `tfsdk:"subscription_id"`
	OrderID            types.String   `tfsdk:"order_id"`
	Email              emailValue     `tfsdk:"email"`
	ExternalCustomerID types.String   `tfsdk:"external_customer_id"`
	CustomerID         types.String   `tfsdk:"customer_id"`
	ExternalMemberID   types.String   `tfsdk:"external_member_id"`
	MemberID           types.String   `tfsdk:"member_id"`
	Metadata           types.Map      `tfsdk:"metadata"`
	ImmediateClaim     types.Bool     `tfsdk:"immediate_claim"`
	ResendInvitation   types.String   `tfsdk:"resend_invitation"`
	Status             types.String   `tfsdk:"status"`
	CustomerEmail      types.String   `tfsdk:"customer_email"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

// attributeGetter is a configuration, plan or state.
type attributeGetter interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}

// seatKey reads the attributes that decide a seat — id, container,
// recipient, status, customer_email — one by one. Reading the whole model
// costs the plugin framework a regular-expression compilation per field
// (v1.19), which on plans over thousands of seats is a tenth of the time.
func seatKey(ctx context.Context, from attributeGetter) (customerSeatModel, diag.Diagnostics) {
	var m customerSeatModel
	var diags diag.Diagnostics
	for name, target := range map[string]any{
		"id": &m.ID, "subscription_id": &m.SubscriptionID, "order_id": &m.OrderID, "email": &m.Email, "external_customer_id": &m.ExternalCustomerID,
		"customer_id": &m.CustomerID, "external_member_id": &m.ExternalMemberID, "member_id": &m.MemberID, "status": &m.Status, "customer_email": &m.CustomerEmail,
	} {
		diags.Append(from.GetAttribute(ctx, path.Root(name), target)...)
	}
	return m, diags
}

// recipient returns the five recipient attributes by name.
func (m *customerSeatModel) recipient() map[string]*types.String {
	return map[string]*types.String{
		"email": &m.Email.StringValue, "external_customer_id": &m.ExternalCustomerID, "customer_id": &m.CustomerID,
		"external_member_id": &m.ExternalMemberID, "member_id": &m.MemberID,
	}
}

func (m *customerSeatModel) container() polar.Container {
	return containerOf(m.SubscriptionID, m.OrderID)
}

func (m *customerSeatModel) containerKnown() bool { return containerKnown(m.SubscriptionID, m.OrderID) }

// IdentitySchema: a seat is identified by its id and its container (Polar
// has no GET by id; the container is where it is listed). Terraform 1.12 and
// later import by identity and `terraform query` lists seats by it.
func (r *customerSeatResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"seat_id": identityschema.StringAttribute{RequiredForImport: true,
				Description: "The seat id."},
			"subscription_id": identityschema.StringAttribute{OptionalForImport: true,
				Description: "The subscription the seat belongs to. Set this or order_id."},
			"order_id": identityschema.StringAttribute{OptionalForImport: true,
				Description: "The order the seat belongs to. Set this or subscription_id."},
		},
	}
}

func (r *customerSeatResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_seat"
	// The identity is the seat id, and a reissued seat (revoked and
	// assigned again to the same person) has a new id that Read follows:
	// without this the framework refuses the read as an unexpected
	// identity change.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *customerSeatResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	recipient := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Set exactly one recipient form (or `external_member_id` together with `email`). " +
				"Naming another person replaces the seat (revoke, then assign); naming the seat's holder another way (another form or spelling) is recorded in place.",
			Optional: true, Computed: true,
			Validators: append(v, noNULValidator{}),
		}
	}
	email := recipient("Recipient email. Polar finds the customer (legacy organizations; a customer is created if none has this email) or the member "+
		"(member-model organizations) with this email and mails the invitation there. Polar checks and normalises the address as its email validator does "+
		"(checked at plan time, with Polar's own reason), and any spelling Polar stores as the same address shows no diff: `Alice@EXAMPLE.com` and "+
		"`alice@example.com`, `alice@xn--bcher-kva.de` and `alice@bücher.de`.", emailValidator{})
	email.CustomType = emailType{} // compares as Polar stores addresses
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns one seat of a Polar seat-based subscription or order to one recipient. " +
			"Creating the resource assigns the seat (Polar mails an invitation unless `immediate_claim` is set); destroying it revokes the seat, " +
			"but only while the seat still holds this recipient. Polar has no update call: a change of container, of recipient to another person, " +
			"or of `metadata` replaces the seat, and so does turning `immediate_claim` on while the seat is pending; the same person named another way " +
			"is recorded in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The seat id. Polar keeps revoked rows and reuses their id for the next assignment in the same container, " +
					"so the provider also checks the occupant before treating a seat as this resource's.",
				Computed: true, PlanModifiers: keep,
			},
			"subscription_id": schema.StringAttribute{
				MarkdownDescription: "The seat-based subscription whose seat this is (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id` is required. Changing it replaces the seat.",
				Optional:            true, PlanModifiers: replace,
				Validators: []validator.String{uuidValidator{version4: true}},
			},
			"order_id": schema.StringAttribute{
				MarkdownDescription: "The paid one-time order whose seat this is (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id` is required. Changing it replaces the seat.",
				Optional:            true, PlanModifiers: replace,
				Validators: []validator.String{uuidValidator{version4: true}},
			},
			"email": email,
			"external_customer_id": recipient("Recipient by your own customer id (the customer's `external_id` in Polar). The customer must exist.",
				stringvalidator.LengthAtLeast(1)),
			"customer_id": recipient("Recipient by Polar customer id (a lowercase, hyphenated UUID). The customer must exist in the organization. This is the id you give Polar; "+
				"in member-model organizations Polar reports the billing customer as every seat's `customer_id` (see the `polar_customer_seats` data source).",
				uuidValidator{}),
			"external_member_id": recipient("Recipient by your own member id (the member's `external_id` under the billing customer). Together with `email`, "+
				"a member that does not exist yet is created and linked to this id.", stringvalidator.LengthAtLeast(1)),
			"member_id": recipient("Recipient by Polar member id (a lowercase, hyphenated UUID) of a member of the billing customer.", uuidValidator{}),
			"metadata": schema.MapAttribute{
				MarkdownDescription: "String key/values stored on the seat (`seat_metadata` in Polar). At most 10 keys and 1024 characters as Polar measures them " +
					"(Python `json.dumps`: `\", \"`/`\": \"` separators, 6 characters per non-ASCII character); checked at plan time. A null value is a key not set. Changing it replaces the seat.",
				ElementType: types.StringType, Optional: true,
				Validators: []validator.Map{metadataValidator{}}, PlanModifiers: metadataPlanModifiers(),
			},
			"immediate_claim": schema.BoolAttribute{
				MarkdownDescription: "Claim the seat at once, without an invitation email. Defaults to `false`: Polar mails an invitation valid for 24 hours, " +
					"and the pending seat occupies capacity until claimed or revoked. Turning it on (`false` → `true`) replaces a pending seat; turning it off, " +
					"or any change on a seat that is already claimed, changes nothing.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(false), PlanModifiers: immediateClaimPlanModifiers(),
			},
			"resend_invitation": schema.StringAttribute{
				MarkdownDescription: "Any value; changing it asks Polar to mail the invitation of a pending seat again, in place (no replacement). " +
					"Polar resends the same link and does not extend its 24-hour expiry: to re-invite after expiry, replace the resource " +
					"(e.g. `terraform apply -replace`). On a seat that is not pending this is a warning, not an error.",
				Optional: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`pending` (invited, not yet claimed) or `claimed`. A pending seat claimed out of band is not drift.",
				Computed:            true, PlanModifiers: keep,
			},
			"customer_email": schema.StringAttribute{
				MarkdownDescription: "The occupant's email as Polar reports it (`customer_email`).",
				Computed:            true, PlanModifiers: keep,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx, timeouts.Opts{Create: true, Delete: true, CreateDescription: "How long assigning may take, " +
				"rate-limit waits included (default 10m; at least 1s).", DeleteDescription: "How long revoking may take (default 10m; at least 1s)."}),
		},
	}
}

func (r *customerSeatResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("subscription_id"), path.MatchRoot("order_id")),
	}
}

// ValidateConfig checks the recipient combination at validate time.
func (r *customerSeatResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	cfg, diags := seatKey(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	set := map[string]bool{}
	for name, v := range cfg.recipient() {
		if v.IsUnknown() {
			return // decided once known
		}
		if !v.IsNull() {
			set[name] = true
		}
	}
	if msg := checkRecipient(set); msg != "" {
		for _, p := range recipientPaths(set) {
			resp.Diagnostics.AddAttributeError(p, "Invalid recipient combination", msg)
		}
	}
}

func (r *customerSeatResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *customerSeatResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan customerSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, r.data.defaultTimeout(1))
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	seat, diags := r.writer().assignOnce(ctx, assignRequest(&plan))
	resp.Diagnostics.Append(diags...)
	if seat == nil {
		return
	}
	applySeat(&plan, seat)
	// Recorded at once: a seat that exists is never forgotten.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(writeOccupant(ctx, resp.Private, seat)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, modelIdentity(&plan))...)
	}
}

func (r *customerSeatResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := seatKey(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework wants an identity after every read that does not fail,
	// a drifted seat's included: the seat's own, which never changes (and
	// which the response already holds when Terraform sent it).
	if resp.Identity != nil && resp.Identity.Raw.IsFullyNull() {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, modelIdentity(&state))...)
	}
	if r.data == nil {
		resp.Diagnostics.AddWarning("Seat not refreshed",
			"The provider configuration is not known yet (for example the access token comes from another resource), so seat "+state.ID.ValueString()+" was not read. It is refreshed on the next plan.")
		return
	}
	container := state.container()
	id := state.ID.ValueString()
	list, err := r.data.seats.List(ctx, container)
	if err != nil {
		// A container that answers 404 is not "deleted" (Polar does not
		// delete subscriptions or orders): it is a wrong token, organization
		// or server until proven otherwise, and state is kept.
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot read seat "+id, err, container, "customer_seats:read")...)
		return
	}
	occ := readOccupant(ctx, req.Private)
	seat, found := list.Find(id)
	var why string
	switch {
	case !found:
		why = "is no longer in its " + container.String()
	case seat.Status == polar.SeatStatusRevoked:
		why = "was revoked outside Terraform"
	case !sameOccupant(occ, &state, &seat):
		why = "now holds someone else (Polar reused the revoked row for " + describeOccupant(&seat) + ")"
	}
	_, ourRevoke := readUnansweredRevokes(ctx, req.Private)[id]
	if found && why != "" && !ourRevoke {
		seat, why = followReissue(ctx, &resp.Diagnostics, occ, &state, list, seat, why)
	}
	if why == "" {
		// The response starts as the state: only what changed is set.
		prior := state
		applySeat(&state, &seat)
		for name, v := range map[string][2]types.String{"id": {prior.ID, state.ID}, "status": {prior.Status, state.Status}, "customer_email": {prior.CustomerEmail, state.CustomerEmail}} {
			if !v[0].Equal(v[1]) {
				resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v[1])...)
			}
		}
		if occupantOf(&seat) != occ {
			resp.Diagnostics.Append(writeOccupant(ctx, resp.Private, &seat)...)
		}
		if resp.Identity != nil && !prior.ID.Equal(state.ID) {
			resp.Diagnostics.Append(resp.Identity.Set(ctx, modelIdentity(&state))...)
		}
		return
	}
	if ourRevoke {
		// Checked before any reissue: the seat was revoked by this
		// resource's own earlier revoke, and a seat the same person holds
		// now is someone else's to manage.
		tflog.Info(ctx, "An earlier unanswered revoke was carried out", map[string]any{"container": container.String(), "seat_id": id, "why": why})
		resp.Diagnostics.AddWarning("Seat "+id+": an earlier revoke was carried out",
			fmt.Sprintf("Seat %s of %s is no longer this resource's: an earlier apply sent a revoke of it that got no answer, and Polar has carried it out. "+
				"The seat is removed from state; if the configuration still has this resource, the plan assigns a new seat.", id, recipientOf(&state)))
		resp.State.RemoveResource(ctx)
		return
	}
	tflog.Warn(ctx, "Seat drifted; removing it from state so it is planned for creation", map[string]any{"container": container.String(), "seat_id": id, "why": why})
	resp.Diagnostics.AddWarning("Seat "+id+" "+why,
		fmt.Sprintf("Seat %s of %s %s. It is removed from state, and the plan assigns a new seat to %s (Polar mails a new invitation unless immediate_claim is set). "+
			"If that is not wanted, remove the resource from the configuration.", id, recipientOf(&state), why, recipientOf(&state)))
	resp.State.RemoveResource(ctx)
}

// Update changes nothing at Polar except a resend: every other planned
// difference is one the plan found equivalent and only records in state.
func (r *customerSeatResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state customerSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.ResendInvitation.IsNull() && !plan.ResendInvitation.Equal(state.ResendInvitation) && r.configured(&resp.Diagnostics) {
		r.resend(ctx, &state, resp)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateAdopted, nil)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateToken, nil)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, modelIdentity(&state))...)
	}
}

func (r *customerSeatResource) resend(ctx context.Context, state *customerSeatModel, resp *resource.UpdateResponse) {
	id := state.ID.ValueString()
	if state.Status.ValueString() != string(polar.SeatStatusPending) {
		resp.Diagnostics.AddWarning("Invitation not resent",
			fmt.Sprintf("Seat %s is %s, not pending, so there is no invitation to resend. The new resend_invitation value is recorded.", id, state.Status.ValueString()))
		return
	}
	seat, err := r.data.client.ResendInvitation(ctx, id)
	switch {
	case err == nil:
		r.data.seats.RecordWrite(seat)
		tflog.Info(ctx, "Invitation resent", map[string]any{"seat_id": id})
	case polar.IsSeatNotPending(err):
		resp.Diagnostics.AddWarning("Invitation not resent",
			fmt.Sprintf("Seat %s is no longer pending (it was claimed or revoked since the plan), so Polar did not resend its invitation.", id))
	default:
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot resend the invitation of seat "+id, err, state.container(), "customer_seats:write")...)
	}
}

func (r *customerSeatResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state customerSeatModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, r.data.defaultTimeout(1))
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	pending := readUnansweredRevokes(ctx, req.Private)
	id := state.ID.ValueString()
	at, diags := r.revoke(ctx, &state, readOccupant(ctx, req.Private), pending[id])
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		// The seat stays in state; a revoke that may still land is
		// remembered, so that the next apply waits for it.
		pending.record(id, at)
		resp.Diagnostics.Append(pending.write(ctx, resp.Private)...)
	}
}

// revoke revokes the seat in state while it still holds its occupant;
// unanswered is when an earlier revoke of it went unanswered (zero: none).
func (r *customerSeatResource) revoke(ctx context.Context, state *customerSeatModel, occ occupant, unanswered time.Time) (time.Time, diag.Diagnostics) {
	return r.writer().revoke(ctx, seatRef{container: state.container(), id: state.ID.ValueString(),
		holds: func(s *polar.CustomerSeat) bool { return sameOccupant(occ, state, s) }, who: recipientOf(state), unanswered: unanswered})
}

func (r *customerSeatResource) writer() *seatWriter {
	return &seatWriter{providerData: r.data, adoptHint: importHint}
}

func (r *customerSeatResource) configured(diags *diag.Diagnostics) bool {
	return requireConfigured(r.data, diags)
}

// assignRequest builds the SeatAssign body from a planned seat.
func assignRequest(m *customerSeatModel) polar.SeatAssign {
	opt := func(v types.String) *string {
		if v.IsNull() || v.IsUnknown() {
			return nil
		}
		s := v.ValueString()
		return &s
	}
	req := polar.SeatAssign{
		SubscriptionID: opt(m.SubscriptionID), OrderID: opt(m.OrderID),
		Email: opt(m.Email.StringValue), ExternalCustomerID: opt(m.ExternalCustomerID), CustomerID: opt(m.CustomerID),
		ExternalMemberID: opt(m.ExternalMemberID), MemberID: opt(m.MemberID),
		ImmediateClaim: m.ImmediateClaim.ValueBool(),
	}
	req.Metadata = seatMetadata(m.Metadata)
	return req
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

// recipientName is the recipient's value as written (or the occupant's
// email), for messages that name a person.
func recipientName(m *customerSeatModel) string {
	for _, name := range recipientAttrs {
		if v := *m.recipient()[name]; isSet(v) {
			return v.ValueString()
		}
	}
	return m.CustomerEmail.ValueString()
}

// recipientOf describes the recipient recorded in state, for messages.
func recipientOf(m *customerSeatModel) string {
	for _, name := range recipientAttrs {
		if v := *m.recipient()[name]; isSet(v) {
			return fmt.Sprintf("%s = %q", name, v.ValueString())
		}
	}
	if !m.CustomerEmail.IsNull() {
		return m.CustomerEmail.ValueString()
	}
	return "its recipient"
}

// followReissue looks, for a seat that drifted (why), for the seat the same
// person holds now in the same list: a reissue (revoke, then assign the same
// person again, as the resend action's reissue_expired does) gives the
// person whichever revoked row Polar picks, and the seat follows them if
// that is unambiguous. It returns the seat to keep ("" why) or the drift.
func followReissue(ctx context.Context, diags *diag.Diagnostics, occ occupant, state *customerSeatModel, list *polar.SeatsList, seat polar.CustomerSeat, why string) (polar.CustomerSeat, string) {
	id, container := state.ID.ValueString(), state.container()
	switch held := reissuedSeats(occ, state, list); len(held) {
	case 0:
	case 1:
		tflog.Info(ctx, "Seat reissued", map[string]any{"container": container.String(), "seat_id": id, "new_seat_id": held[0].ID})
		diags.AddWarning(fmt.Sprintf("Seat %s was reissued as %s", id, held[0].ID),
			fmt.Sprintf("Seat %s of %s %s, and the same person now holds seat %s of the %s: it was revoked and assigned again (for example by "+
				"the polar_customer_seat_resend_invitation action with reissue_expired). This resource now manages seat %s; nothing is assigned or revoked.",
				id, recipientOf(state), why, held[0].ID, container, held[0].ID))
		seat, why = held[0], ""
	default:
		diags.AddWarning("Seat "+id+": several seats could be its reissue",
			fmt.Sprintf("Seat %s of %s %s, and seats %s of the %s are held by the same person. The provider does not guess which one is this "+
				"resource's, so the seat is treated as drifted (below). To manage one of them, remove this resource from state (terraform state rm) "+
				"and import the one to keep (import ID %s); revoke the others.", id, recipientOf(state), why, listed(seatIDs(held)), container, seatImportID(container, "<seat id>")))
	}
	return seat, why
}
