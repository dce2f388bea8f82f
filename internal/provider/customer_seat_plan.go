package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ModifyPlan decides what a configuration change means for a seat that has
// no update call:
//   - create: the recipient attributes are exactly as configured (they are
//     Optional+Computed only so that import can fill them in);
//   - an attribute left unset keeps the value in state (import filled it);
//   - a value equivalent to the state's (same email as Polar normalises it,
//     empty vs. unset metadata, immediate_claim on a seat already claimed) is
//     planned as the state's value: no diff;
//   - anything else replaces the seat.
//
// On create it also warns when the container has no free seat right now.
func (r *customerSeatResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg customerSeatModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	configured := cfg.recipient()
	if req.State.Raw.IsNull() {
		for name, v := range plan.recipient() {
			*v = *configured[name]
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		r.warnCapacity(ctx, &cfg, resp)
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
	if metadataEquivalent(ctx, cfg.Metadata, state.Metadata) {
		// Terraform accepts the prior value for a set attribute only when
		// both are set; null vs {} is then recorded in place by Update.
		if !state.Metadata.IsNull() && !cfg.Metadata.IsNull() {
			plan.Metadata = state.Metadata
		}
	} else {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("metadata"))
	}
	if !plan.ImmediateClaim.Equal(state.ImmediateClaim) {
		if state.Status.ValueString() == string(polar.SeatStatusPending) && plan.ImmediateClaim.ValueBool() {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("immediate_claim"))
		} else {
			// Already claimed (or asking for an invitation on a seat that
			// needs none): nothing to do at Polar.
			plan.ImmediateClaim = state.ImmediateClaim
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
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

// warnCapacity warns at plan time when a seat is to be created in a
// container that has no available seat right now (seats freed earlier in
// the same apply may still make it succeed). It uses the shared list.
func (r *customerSeatResource) warnCapacity(ctx context.Context, cfg *customerSeatModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || cfg.SubscriptionID.IsUnknown() || cfg.OrderID.IsUnknown() || (cfg.SubscriptionID.IsNull() && cfg.OrderID.IsNull()) {
		return
	}
	container := cfg.container()
	list, err := r.data.seats.List(ctx, container)
	if err != nil {
		if polar.IsNotFound(err) {
			resp.Diagnostics.AddAttributeWarning(containerPath(container), "Container not found",
				fmt.Sprintf("Polar has no %s in the organization of the access token; assigning this seat will fail. Check the id and the token's organization (and server: production or sandbox).", container))
		}
		tflog.Debug(ctx, "Capacity check skipped", map[string]any{"container": container.String(), "error": polar.Sanitize(err.Error())})
		return
	}
	if list.AvailableSeats <= 0 {
		resp.Diagnostics.AddAttributeWarning(containerPath(container), "No seat available right now",
			fmt.Sprintf("The %s has total_seats = %d and available_seats = %d. Assigning this seat will fail unless seats are freed earlier in the same apply "+
				"(a replaced or destroyed seat) or more seats are bought. Pending invitations occupy seats until claimed or revoked.", container, list.TotalSeats, list.AvailableSeats))
	}
}

func containerPath(c polar.Container) path.Path { return path.Root(c.QueryParam()) }

// ImportState adopts an existing seat by container and seat id or email.
func (r *customerSeatResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	list, err := r.data.seats.List(ctx, id.Container)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("Cannot import "+req.ID, err, id.Container, "customer_seats:read")...)
		return
	}
	var seat *polar.CustomerSeat
	if id.SeatID != "" {
		if s, ok := list.Find(id.SeatID); ok {
			seat = &s
		}
	} else {
		matches := matchSeats(list, func(s *polar.CustomerSeat) bool { return s.Email != nil && emailaddr.Equal(*s.Email, id.Email) })
		if len(matches) == 1 {
			seat = &matches[0]
		}
	}
	switch {
	case seat == nil && id.SeatID != "":
		resp.Diagnostics.AddError("Seat not found",
			fmt.Sprintf("The %s has no seat %s. List its seats with the polar_customer_seats data source to find the right id.", id.Container, id.SeatID))
		return
	case seat == nil:
		resp.Diagnostics.AddError("Seat not found",
			fmt.Sprintf("The %s has no active seat for %s. Assign one with a new polar_customer_seat instead of importing.", id.Container, id.Email))
		return
	case seat.Status == polar.SeatStatusRevoked:
		resp.Diagnostics.AddError("Seat is revoked",
			fmt.Sprintf("Seat %s of the %s is revoked: there is nothing to import. Declare a polar_customer_seat without importing to assign a seat.", seat.ID, id.Container))
		return
	}
	m := customerSeatModel{
		SubscriptionID: types.StringPointerValue(seat.SubscriptionID), OrderID: types.StringPointerValue(seat.OrderID),
		Email: types.StringPointerValue(seat.Email), MemberID: types.StringPointerValue(seat.MemberID),
		ExternalCustomerID: types.StringNull(), CustomerID: types.StringNull(), ExternalMemberID: types.StringNull(),
		ImmediateClaim: types.BoolValue(false), ResendInvitation: types.StringNull(),
		Timeouts: nullTimeouts(),
	}
	if seat.Member != nil {
		m.ExternalMemberID = types.StringPointerValue(seat.Member.ExternalID)
	}
	// In legacy organizations the seat's customer is the holder's own
	// customer (its member belongs to the billing customer): then it is
	// also a valid customer_id recipient.
	if seat.CustomerID != nil && (seat.Member == nil || seat.Member.CustomerID != *seat.CustomerID) {
		m.CustomerID = types.StringValue(*seat.CustomerID)
	}
	resp.Diagnostics.Append(applySeat(ctx, &m, seat)...)
	m.Metadata = metadataValue(seat.SeatMetadata, true)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateAdopted, []byte(`true`))...)
}

func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})}
}

// applySeat copies the server-set fields of a seat into the model.
func applySeat(_ context.Context, m *customerSeatModel, s *polar.CustomerSeat) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(s.ID)
	m.Status = types.StringValue(string(s.Status))
	m.CustomerEmail = types.StringPointerValue(s.CustomerEmail)
	m.InvitationTokenExpiresAt = timeValue(s.InvitationTokenExpiresAt)
	m.ClaimedAt = timeValue(s.ClaimedAt)
	m.CreatedAt = timeValue(&s.CreatedAt)
	m.ModifiedAt = timeValue(s.ModifiedAt)
	m.OccupantCustomerID = types.StringPointerValue(s.CustomerID)
	m.OccupantMemberID = types.StringPointerValue(s.MemberID)
	m.Member = memberObject(s.Member, &diags)
	return diags
}

// memberObject renders Polar's embedded member (null when there is none).
func memberObject(mem *polar.Member, diags *diag.Diagnostics) types.Object {
	if mem == nil {
		return types.ObjectNull(memberAttrTypes)
	}
	obj, d := types.ObjectValue(memberAttrTypes, map[string]attr.Value{
		"id": types.StringValue(mem.ID), "email": types.StringValue(mem.Email), "name": types.StringPointerValue(mem.Name),
		"external_id": types.StringPointerValue(mem.ExternalID), "role": types.StringValue(string(mem.Role)),
	})
	diags.Append(d...)
	return obj
}

func timeValue(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
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

// sameOccupant reports whether the seat still holds the recipient recorded
// in state: the member if both know it, else the email, else the customer.
// Polar reuses revoked rows under the same id for anyone, so the id alone
// proves nothing. A pending seat claimed out of band keeps its occupant.
func sameOccupant(state *customerSeatModel, s *polar.CustomerSeat) bool {
	known := func(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }
	switch {
	case known(state.OccupantMemberID) && s.MemberID != nil:
		return state.OccupantMemberID.ValueString() == *s.MemberID
	case known(state.CustomerEmail) && s.CustomerEmail != nil:
		return emailaddr.Equal(state.CustomerEmail.ValueString(), *s.CustomerEmail)
	case known(state.OccupantCustomerID) && s.CustomerID != nil:
		return state.OccupantCustomerID.ValueString() == *s.CustomerID
	}
	return false
}

// matchSeats returns the active seats that satisfy pred.
func matchSeats(list *polar.SeatsList, pred func(*polar.CustomerSeat) bool) []polar.CustomerSeat {
	var out []polar.CustomerSeat
	for i := range list.Seats {
		if s := &list.Seats[i]; s.Status.Active() && pred(s) {
			out = append(out, *s)
		}
	}
	return out
}

// recipientMatcher returns a predicate for "this seat holds the recipient of
// req", or nil when the seat list cannot tell (external_customer_id: Polar
// never returns a customer's external id).
func recipientMatcher(req polar.SeatAssign) func(*polar.CustomerSeat) bool {
	switch {
	case req.MemberID != nil:
		return func(s *polar.CustomerSeat) bool { return s.MemberID != nil && *s.MemberID == *req.MemberID }
	case req.ExternalMemberID != nil:
		return func(s *polar.CustomerSeat) bool {
			return s.Member != nil && s.Member.ExternalID != nil && *s.Member.ExternalID == *req.ExternalMemberID
		}
	case req.Email != nil:
		return func(s *polar.CustomerSeat) bool { return s.Email != nil && emailaddr.Equal(*s.Email, *req.Email) }
	case req.CustomerID != nil:
		return func(s *polar.CustomerSeat) bool { return s.CustomerID != nil && *s.CustomerID == *req.CustomerID }
	}
	return nil
}

func recipientDescription(req polar.SeatAssign) string {
	for _, kv := range []struct {
		name string
		v    *string
	}{{"email", req.Email}, {"external_customer_id", req.ExternalCustomerID}, {"customer_id", req.CustomerID}, {"external_member_id", req.ExternalMemberID}, {"member_id", req.MemberID}} {
		if kv.v != nil {
			return fmt.Sprintf("%s = %q", kv.name, *kv.v)
		}
	}
	return "the recipient"
}

// assignOnce assigns a seat exactly once. Polar's assign has no idempotency
// key and a retried success answers 400 SeatAlreadyAssigned, so when an
// attempt's outcome is unknown (network error, timeout, 5xx) it lists the
// container (a fresh list) and adopts the seat that now holds exactly this
// recipient; only if there is none does it try again.
func (r *customerSeatResource) assignOnce(ctx context.Context, req polar.SeatAssign) (*polar.CustomerSeat, diag.Diagnostics) {
	const maxAttempts = 4
	var diags diag.Diagnostics
	container := req.Container()
	match := recipientMatcher(req)
	var unknownErr error
	for attempt := 1; ; attempt++ {
		seat, err := r.data.client.AssignSeat(ctx, req)
		if err == nil {
			r.data.seats.Applied(seat)
			return seat, diags
		}
		if !polar.IsOutcomeUnknown(err) {
			if unknownErr != nil && polar.IsSeatAlreadyAssigned(err) {
				// The unanswered attempt did commit (Polar gives a recipient
				// one active seat per container, so a retry cannot make a
				// second one): find it and adopt it.
				if match != nil {
					if list, lerr := r.data.seats.Refresh(ctx, container); lerr == nil {
						if found := matchSeats(list, match); len(found) == 1 {
							tflog.Info(ctx, "Adopted the seat the unanswered assignment created", map[string]any{"seat_id": found[0].ID})
							return &found[0], diags
						}
					}
				}
				diags.AddError("Seat assignment outcome unknown",
					fmt.Sprintf("An earlier attempt to assign a seat of the %s to %s got no answer (%s), and Polar now reports that %s already holds a seat there, "+
						"most likely assigned by that attempt. Polar's seat list cannot identify a seat by external_customer_id, so the provider cannot adopt it automatically.\n\n%s",
						container, recipientDescription(req), polar.Sanitize(unknownErr.Error()), recipientDescription(req), importHint(container, "<seat_id>")))
				return nil, diags
			}
			diags.Append(r.assignErrorDiag(ctx, req, err)...)
			return nil, diags
		}
		unknownErr = err
		tflog.Warn(ctx, "Seat assignment outcome unknown; checking the container before trying again",
			map[string]any{"container": container.String(), "attempt": attempt, "error": polar.Sanitize(err.Error())})
		lctx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			// Interrupted: still find out, briefly, so nothing is lost.
			lctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		}
		list, lerr := r.data.seats.Refresh(lctx, container)
		cancel()
		if lerr == nil && match != nil {
			if found := matchSeats(list, match); len(found) == 1 {
				tflog.Info(ctx, "Adopted the seat the unanswered assignment created", map[string]any{"seat_id": found[0].ID})
				if ctx.Err() != nil {
					diags.AddWarning("Seat assigned although the operation was interrupted",
						fmt.Sprintf("Seat %s of the %s was assigned before the interruption and is recorded in state.", found[0].ID, container))
				}
				return &found[0], diags
			}
		}
		if lerr != nil || ctx.Err() != nil || attempt >= maxAttempts {
			why := "the retries are used up"
			if lerr != nil {
				why = "the container could not be listed to check (" + polar.Sanitize(lerr.Error()) + ")"
			} else if ctx.Err() != nil {
				why = "the operation timed out or was interrupted"
			}
			diags.AddError("Seat assignment outcome unknown",
				fmt.Sprintf("Assigning a seat of the %s to %s got no answer from Polar (%s), and %s. The seat may or may not exist. "+
					"Run terraform plan: if the seat exists, adopt it with an import instead of assigning again.\n\n%s",
					container, recipientDescription(req), polar.Sanitize(err.Error()), why, importHint(container, "<seat_id or email>")))
			return nil, diags
		}
		wait := time.Duration(attempt) * 500 * time.Millisecond
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
}

// existingSeat finds the one active seat that holds a recipient: in the
// shared list first, in a fresh list only when the shared one lacks it (the
// seat was assigned outside this run).
func (r *customerSeatResource) existingSeat(ctx context.Context, container polar.Container, match func(*polar.CustomerSeat) bool) (string, bool) {
	if match == nil {
		return "", false
	}
	for _, get := range []func(context.Context, polar.Container) (*polar.SeatsList, error){r.data.seats.List, r.data.seats.Refresh} {
		if list, err := get(ctx, container); err == nil {
			if found := matchSeats(list, match); len(found) == 1 {
				return found[0].ID, true
			}
		}
	}
	return "", false
}

// assignErrorDiag explains a failed assignment: what, why, what to do.
func (r *customerSeatResource) assignErrorDiag(ctx context.Context, req polar.SeatAssign, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	container := req.Container()
	e, _ := polar.AsError(err)
	switch {
	case polar.IsSeatNotAvailable(err) && e != nil && strings.HasPrefix(e.Detail, "No available seats"):
		// Polar has just said available_seats is 0; total_seats does not
		// change with assignments, so the shared list is enough (one call per
		// container however many assignments fail).
		counts := ""
		if list, lerr := r.data.seats.List(ctx, container); lerr == nil {
			counts = fmt.Sprintf(" (total_seats = %d, available_seats = 0)", list.TotalSeats)
		}
		diags.AddAttributeError(containerPath(container), "No seat available",
			fmt.Sprintf("The %s has no available seat%s, so %s cannot be assigned. Pending invitations occupy seats until claimed or revoked. "+
				"Free a seat (destroy or revoke another assignment), buy more seats, or remove this resource.\n\nPolar said: %s",
				container, counts, recipientDescription(req), polar.Sanitize(err.Error())))
	case polar.IsSeatAlreadyAssigned(err):
		seatID := "<seat_id>"
		if id, ok := r.existingSeat(ctx, container, recipientMatcher(req)); ok {
			seatID = id
		}
		diags.AddError("Recipient already holds a seat",
			fmt.Sprintf("%s already holds a seat in the %s, and Polar gives one person one active seat per container. "+
				"The provider does not adopt existing seats silently: import it to manage it with this resource.\n\n%s",
				recipientDescription(req), container, importHint(container, seatID)))
	case polar.IsSeatNotAvailable(err):
		diags.AddAttributeError(containerPath(container), "Seat not available", fmt.Sprintf("Polar refused to assign a seat of the %s: %s", container, polar.Sanitize(err.Error())))
	case e != nil && (e.Code == polar.CodeCustomerNotFound || e.Code == polar.CodeMemberNotFound || e.Code == polar.CodeMemberEmailMismatch || e.Code == polar.CodeInvalidSeatAssignmentRequest):
		diags.AddAttributeError(path.Root(firstRecipientAttr(req)), "Recipient not accepted",
			fmt.Sprintf("Polar did not accept %s for the %s: %s. Check that the customer or member exists in the organization (members belong to the billing customer).",
				recipientDescription(req), container, polar.Sanitize(err.Error())))
	default:
		diags.Append(apiErrorDiag("Cannot assign a seat of the "+container.String(), err, container, "customer_seats:write")...)
	}
	return diags
}

func firstRecipientAttr(req polar.SeatAssign) string {
	switch {
	case req.Email != nil && req.ExternalMemberID == nil:
		return "email"
	case req.ExternalCustomerID != nil:
		return "external_customer_id"
	case req.CustomerID != nil:
		return "customer_id"
	case req.ExternalMemberID != nil:
		return "external_member_id"
	}
	return "member_id"
}

// importHint prints the import command and block that adopt a seat.
func importHint(c polar.Container, seatID string) string {
	id := seatImportID(c, seatID)
	return fmt.Sprintf("To adopt the existing seat, run:\n\n  terraform import 'polar_customer_seat.<name>' '%s'\n\nor add an import block:\n\n  import {\n    to = polar_customer_seat.<name>\n    id = \"%s\"\n  }", id, id)
}

// apiErrorDiag turns any API error into a diagnostic that says what failed,
// why, and what to do.
func apiErrorDiag(summary string, err error, container polar.Container, scope string) diag.Diagnostics {
	var diags diag.Diagnostics
	msg := polar.Sanitize(err.Error())
	var detail string
	switch {
	case polar.IsUnauthorized(err):
		detail = "Polar rejected the access token: it is missing, invalid, expired or revoked. Set a valid organization access token " +
			"in the provider's access_token or the " + EnvAccessToken + " environment variable (and check server: production and sandbox tokens differ)."
	case polar.IsInsufficientScope(err):
		detail = "The access token lacks the scope " + scope + ". Create an organization access token with both customer_seats:read and customer_seats:write."
	case polar.IsFeatureNotEnabled(err):
		detail = "Seat-based pricing is not enabled for this organization. Enable it in the Polar dashboard (organization settings) before managing seats."
	case polar.IsNotFound(err):
		detail = fmt.Sprintf("Polar has no %s in the organization of the access token. Check the id, the token's organization and the server (production or sandbox).", container)
	case polar.IsRateLimited(err):
		detail = "Polar's rate limit (per organization, shared with every other system using it) kept refusing requests until the retries or the timeout ran out. " +
			"Lower requests_per_minute, raise max_retries or the timeouts, or run with less parallelism."
	case polar.IsValidation(err):
		detail = "Polar rejected the request as invalid. This should have been caught at plan time; please report it."
	default:
		detail = "The Polar API call failed. If the problem persists, check Polar's status and the provider's debug log (TF_LOG=DEBUG)."
	}
	diags.AddError(summary, detail+"\n\nPolar said: "+msg)
	return diags
}
