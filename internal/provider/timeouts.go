package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// The seat resources' timeouts, in one place: what a configured timeout may
// be (timeoutsBlock), what an operation gets when none is configured
// (defaultTimeout), and when a configured one is too short for the work a
// plan makes (shortTimeoutWarning). An explicit timeout always wins.

// minTimeout is the shortest timeout a timeouts block accepts. Polar counts
// its rate limit in whole seconds (Retry-After, the Date header): an
// operation given less than a second cannot wait out a single 429, and a
// value such as "1ns" or "5ms" is a slip for minutes far more often than a
// wish. Zero and negative durations never let an operation start.
const minTimeout = time.Second

// baseTimeout is what an operation may take besides the client-side pacing:
// answers, retries, back-offs and lists. It was every operation's default
// before the defaults grew with the work.
const baseTimeout = 10 * time.Minute

// paceMargin multiplies the time pacing forces on the planned writes.
// Polar's rate limit is per organization, shared by every token and system
// of the organization: the default still lets the apply finish while others
// use half of it.
const paceMargin = 2

// Polar's published per-organization rate limits, which bound an apply
// even when the client does not pace (requests_per_minute = 0): beyond
// them Polar answers 429 and the client waits.
var serverRequestsPerMinute = map[string]int{
	polar.ProductionURL: productionRequestsPerMinute,
	polar.SandboxURL:    sandboxRequestsPerMinute,
}

// applyPace is the pace an apply is held to, in requests per minute: the
// configured requests_per_minute, or Polar's own limit for its servers when
// that is lower or the client does not pace; 0 when nothing is known (no
// pacing against a custom server_url, such as the emulator).
func applyPace(requestsPerMinute int, baseURL string) int {
	limit := serverRequestsPerMinute[baseURL]
	switch {
	case requestsPerMinute <= 0:
		return limit
	case limit > 0:
		return min(requestsPerMinute, limit)
	}
	return requestsPerMinute
}

// pacedMinimum is the least time the pace forces on `writes` seat writes.
func (pd *providerData) pacedMinimum(writes int) time.Duration {
	return polar.PaceTime(writes, pd.pace, time.Minute)
}

// defaultTimeout is the timeout of an operation that makes `writes` seat
// writes when the configuration sets none: baseTimeout plus paceMargin
// times what the pace forces, so that a default never cuts an apply the
// rate limit makes long.
func (pd *providerData) defaultTimeout(writes int) time.Duration {
	return baseTimeout + paceMargin*pd.pacedMinimum(writes)
}

// shortTimeoutWarning is a plan warning when the configured timeout of the
// operation op (create, update, delete) is shorter than the time the pace
// forces on the plan's writes: the apply would stop part-way. Nil when it
// fits.
func (pd *providerData) shortTimeoutWarning(op string, configured time.Duration, writes int) diag.Diagnostic {
	need := pd.pacedMinimum(writes)
	if configured >= need {
		return nil
	}
	attr := path.Root("timeouts").AtName(op)
	return diag.NewAttributeWarningDiagnostic(attr, fmt.Sprintf("timeouts.%s is too short for %d seat writes", op, writes),
		fmt.Sprintf("This plan makes %d seat writes (assignments and revokes). At %d requests per minute (requests_per_minute, or Polar's own "+
			"limit when lower) they take at least %s, but timeouts.%s is %s: the apply would stop part-way (what was sent is recorded; "+
			"a later apply does the rest). Remove timeouts.%s to use the default, which fits the planned work (%s here), or set it "+
			"to at least %s.", writes, pd.pace, need.Round(time.Second), op, configured, op, pd.defaultTimeout(writes).Round(time.Second), need.Round(time.Second)))
}

// timeoutsBlock is a resource's timeouts block: the framework's, with its
// duration check replaced by one that also refuses durations under
// minTimeout, at validate, naming the attribute.
func timeoutsBlock(ctx context.Context, opts timeouts.Opts) schema.Block {
	b := timeouts.Block(ctx, opts).(schema.SingleNestedBlock) //nolint:forcetypeassert // what timeouts.Block returns
	for name, a := range b.Attributes {
		s := a.(schema.StringAttribute) //nolint:forcetypeassert // every timeout is a string
		s.Validators = []validator.String{durationValidator{min: minTimeout}}
		b.Attributes[name] = s
	}
	return b
}

// configuredTimeout is the timeout the operation op (create, update,
// delete) has in a plan or state, if one is set.
func configuredTimeout(ctx context.Context, src interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, op string) (time.Duration, bool) {
	var v types.String
	if d := src.GetAttribute(ctx, path.Root("timeouts").AtName(op), &v); d.HasError() || v.IsNull() || v.IsUnknown() {
		return 0, false
	}
	t, err := time.ParseDuration(v.ValueString())
	return t, err == nil
}

// warnShortTimeout warns when the assignments resource's configured timeout
// for what this plan does is too short for its writes at the pace. It runs
// after ModifyPlan, on the final plan, and reads the models only when a
// timeout is configured.
func (r *customerSeatAssignmentsResource) warnShortTimeout(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	var configured time.Duration
	var ok bool
	op := "update"
	switch {
	case req.Plan.Raw.IsNull():
		op = "delete"
		configured, ok = configuredTimeout(ctx, req.State, op)
	case req.State.Raw.IsNull():
		op = "create"
		configured, ok = configuredTimeout(ctx, resp.Plan, op)
	default:
		configured, ok = configuredTimeout(ctx, resp.Plan, op)
	}
	if !ok {
		return
	}
	var plan, state *customerSeatAssignmentsModel
	if !req.Plan.Raw.IsNull() {
		plan = &customerSeatAssignmentsModel{}
		if resp.Plan.Get(ctx, plan).HasError() {
			return
		}
	}
	if !req.State.Raw.IsNull() {
		state = &customerSeatAssignmentsModel{}
		if req.State.Get(ctx, state).HasError() {
			return
		}
	}
	if writes, exact := plannedWrites(plan, state); exact {
		if d := r.data.shortTimeoutWarning(op, configured, writes); d != nil {
			resp.Diagnostics.Append(d)
		}
	}
}

// plannedWrites counts the seat writes that applying plan over state
// makes: an assignment for each planned seat not held yet (unknown in the
// plan), a revoke for each seat of state the plan drops. A nil plan is a
// destroy, a nil state a create. When the plan cannot tell (recipients
// known only at apply) it returns an upper bound and exact = false.
func plannedWrites(plan, state *customerSeatAssignmentsModel) (writes int, exact bool) {
	var held map[string]heldSeat
	if state != nil {
		held = state.held()
	}
	if plan == nil {
		return len(held), true
	}
	if plan.Seats.IsUnknown() || plan.Seats.IsNull() {
		rs, _ := plan.recipients()
		return len(rs) + len(held), false
	}
	kept := make(map[string]bool, len(plan.Seats.Elements()))
	for _, v := range plan.Seats.Elements() {
		obj, ok := v.(types.Object)
		if !ok || obj.IsUnknown() {
			writes++
			continue
		}
		if id, ok := obj.Attributes()["id"].(types.String); ok {
			kept[id.ValueString()] = true
		}
	}
	for _, h := range held {
		if !kept[h.id] {
			writes++
		}
	}
	return writes, true
}

// seatWrites is plannedWrites' count, for an operation's default timeout
// (at apply the recipients are known; at worst it is an upper bound).
func seatWrites(plan, state *customerSeatAssignmentsModel) int {
	n, _ := plannedWrites(plan, state)
	return n
}

// timeoutDefaultDoc says in the schema what a timeout defaults to.
const timeoutDefaultDoc = "Defaults to 10m plus twice the time `requests_per_minute` (or Polar's own rate limit, when lower) " +
	"forces on the planned assignments and revokes, so that the default never cuts an apply the rate limit makes long; " +
	"a configured timeout shorter than that time is a plan warning. At least 1s."

// nullTimeouts is a timeouts block left unset, for a resource whose block
// has these operations ("create", "update", "delete"): what an imported
// resource records.
func nullTimeouts(operations ...string) timeouts.Value {
	attrTypes := make(map[string]attr.Type, len(operations))
	for _, op := range operations {
		attrTypes[op] = types.StringType
	}
	return timeouts.Value{Object: types.ObjectNull(attrTypes)}
}
