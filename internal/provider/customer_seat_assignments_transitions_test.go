package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// The transitions of the seat resources, driven through the plugin protocol
// the way Terraform 1.11 drives them: every walk (plan, apply) is a fresh
// provider process; a plan refreshes each resource, then plans it with the
// refreshed state and private state; an apply re-plans each changed
// resource in a new process and applies that plan. Unlike the CLI, the test
// chooses the order in which two resources are planned, so that a refusal
// can be shown in both.

// trEnv is one test's emulator and a way to start provider processes on it.
type trEnv struct {
	t   *testing.T
	emu *emulator.Server
	url string
	// drop, when set, loses the answer of the next POST (Polar applies it).
	drop atomic.Bool
}

func newTrEnv(t *testing.T) *trEnv {
	t.Helper()
	emu, err := emulator.New(accFixture())
	if err != nil {
		t.Fatal(err)
	}
	e := &trEnv{t: t, emu: emu}
	ic := testsupport.Intercept(t, emu)
	ic.OnRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && e.drop.CompareAndSwap(true, false) {
			ic.Record(r).Drop(w)
			return true
		}
		return false
	})
	e.url = ic.URL
	return e
}

// process starts a provider process (one Terraform walk).
func (e *trEnv) process() *protoEnv { return newProtoEnv(e.t, e.url, emulator.DemoToken) }

// writes counts the assignments and revokes Polar has received.
func (e *trEnv) writes() (posts, deletes int) {
	_, by := e.emu.Requests()
	return by["POST /v1/customer-seats"], by["DELETE /v1/customer-seats/{seat_id}"]
}

// assign gives a seat outside Terraform.
func (e *trEnv) assign(c polar.Container, email string) polar.CustomerSeat {
	e.t.Helper()
	client, _ := polar.NewClient(polar.Config{BaseURL: e.url, Token: emulator.DemoToken})
	a := polar.SeatAssign{Email: &email}
	if c.Kind == polar.ContainerSubscription {
		a.SubscriptionID = &c.ID
	} else {
		a.OrderID = &c.ID
	}
	s, err := client.AssignSeat(context.Background(), a)
	if err != nil {
		e.t.Fatal(err)
	}
	return *s
}

// seat returns a seat as Polar has it now.
func (e *trEnv) seat(c polar.Container, id string) polar.CustomerSeat {
	e.t.Helper()
	client, _ := polar.NewClient(polar.Config{BaseURL: e.url, Token: emulator.DemoToken})
	list, err := client.ListSeats(context.Background(), c)
	if err != nil {
		e.t.Fatal(err)
	}
	s, _ := list.Find(id)
	return s
}

var (
	trSub   = polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID}
	trOrder = polar.Container{Kind: polar.ContainerOrder, ID: emulator.DemoOrderID}
)

const (
	trTeam = "polar_customer_seat_assignments"
	trSeat = "polar_customer_seat"
)

// trObj is one resource instance as Terraform keeps it: its type, its
// configuration, and its state and private state (null when none).
type trObj struct {
	typeName string
	config   tftypes.Value // null: removed from the configuration
	state    tftypes.Value
	private  []byte
}

// trStrings is a list of strings.
func trStrings(vals ...string) tftypes.Value {
	out := make([]tftypes.Value, 0, len(vals))
	for _, v := range vals {
		out = append(out, tftypes.NewValue(tftypes.String, v))
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, out)
}

// teamConfig is an assignments resource's configuration: the container and
// the attributes set (recipient lists as trStrings, exclusive as a bool).
func (p *protoEnv) teamConfig(c polar.Container, set map[string]tftypes.Value) tftypes.Value {
	attrs := map[string]tftypes.Value{c.QueryParam(): tftypes.NewValue(tftypes.String, c.ID)}
	for k, v := range set {
		attrs[k] = v
	}
	return p.value(p.resourceType(trTeam), attrs)
}

// seatConfig is a polar_customer_seat's configuration.
func (p *protoEnv) seatConfig(c polar.Container, recipient, value string) tftypes.Value {
	return p.value(p.resourceType(trSeat), map[string]tftypes.Value{
		c.QueryParam(): tftypes.NewValue(tftypes.String, c.ID),
		recipient:      tftypes.NewValue(tftypes.String, value),
	})
}

// proposedNew is Terraform's proposed new state: the configuration, with
// the prior value kept for every computed attribute the configuration
// leaves unset (objchange.ProposedNew for a schema without nested
// attributes).
func (p *protoEnv) proposedNew(typeName string, prior, config tftypes.Value) tftypes.Value {
	block := p.schema.ResourceSchemas[typeName].Block
	typ := p.resourceType(typeName)
	var priorAttrs, cfgAttrs map[string]tftypes.Value
	_ = config.As(&cfgAttrs)
	if !prior.IsNull() {
		_ = prior.As(&priorAttrs)
	}
	out := map[string]tftypes.Value{}
	for _, a := range block.Attributes {
		v := cfgAttrs[a.Name]
		if a.Computed && v.IsNull() {
			v = tftypes.NewValue(a.ValueType(), nil)
			if pv, ok := priorAttrs[a.Name]; ok {
				v = pv
			}
		}
		out[a.Name] = v
	}
	for _, b := range block.BlockTypes {
		out[b.TypeName] = cfgAttrs[b.TypeName]
	}
	return tftypes.NewValue(typ, out)
}

// read refreshes o as Terraform does before a plan.
func (p *protoEnv) read(o *trObj) []*tfprotov6.Diagnostic {
	p.t.Helper()
	if o.state.IsNull() {
		return nil
	}
	typ := p.resourceType(o.typeName)
	resp, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: o.typeName, CurrentState: p.dynamic(typ, o.state), Private: o.private,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	if !hasError(resp.Diagnostics) {
		o.state, o.private = p.unmarshal(typ, resp.NewState), resp.Private
	}
	return resp.Diagnostics
}

func (p *protoEnv) unmarshal(typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	p.t.Helper()
	if dv == nil {
		return tftypes.NewValue(typ, nil)
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// trPlanned is one resource's plan, as Terraform records it.
type trPlanned struct {
	obj      *trObj
	action   string // create, update, replace, delete, noop
	planned  tftypes.Value
	private  []byte
	diags    []*tfprotov6.Diagnostic
	replaced bool // by the user's request (-replace)
}

// planCall is one PlanResourceChange.
func (p *protoEnv) planCall(typeName string, prior tftypes.Value, priorPrivate []byte, config tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	typ := p.resourceType(typeName)
	proposed := config
	if !config.IsNull() {
		proposed = p.proposedNew(typeName, prior, config)
	}
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: p.dynamic(typ, prior), PriorPrivate: priorPrivate,
		ProposedNewState: p.dynamic(typ, proposed), Config: p.dynamic(typ, config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// plan plans o as Terraform does: a destroy when its configuration is gone,
// a create when it has no state (a tainted object is planned so: null prior
// state and private state), else an update — and, when the provider asks
// for a replacement or forceReplace is set (terraform apply -replace), a
// second call with a null prior state and the first call's planned private
// state. Warnings of that second call are dropped, as Terraform drops them.
func (p *protoEnv) plan(o *trObj, forceReplace, tainted bool) *trPlanned {
	p.t.Helper()
	typ := p.resourceType(o.typeName)
	null := tftypes.NewValue(typ, nil)
	out := &trPlanned{obj: o}
	switch {
	case o.config.IsNull():
		resp := p.planCall(o.typeName, o.state, o.private, null)
		out.action, out.planned, out.private, out.diags = "delete", null, resp.PlannedPrivate, resp.Diagnostics
		return out
	case o.state.IsNull() || tainted:
		resp := p.planCall(o.typeName, null, nil, o.config)
		out.action, out.planned, out.private, out.diags = "create", p.unmarshal(typ, resp.PlannedState), resp.PlannedPrivate, resp.Diagnostics
		if tainted {
			out.action = "replace"
		}
		return out
	}
	resp := p.planCall(o.typeName, o.state, o.private, o.config)
	out.planned, out.private, out.diags = p.unmarshal(typ, resp.PlannedState), resp.PlannedPrivate, resp.Diagnostics
	out.action = "update"
	if out.planned.Equal(o.state) {
		out.action = "noop"
	}
	if hasError(resp.Diagnostics) || (len(resp.RequiresReplace) == 0 && !forceReplace) {
		return out
	}
	out.action, out.replaced = "replace", forceReplace
	second := p.planCall(o.typeName, null, resp.PlannedPrivate, o.config)
	if hasError(second.Diagnostics) {
		out.diags = append(out.diags, second.Diagnostics...)
	}
	out.planned, out.private = p.unmarshal(typ, second.PlannedState), second.PlannedPrivate
	return out
}

// applyChange applies a planned change in this (apply) process as
// Terraform does: a destroy as planned; a replacement as a destroy with
// the plan's private state, then a create re-planned with null prior state
// and private state; anything else re-planned with the refreshed state and
// its private state, then applied. It updates the object.
func (p *protoEnv) applyChange(ch *trPlanned) []*tfprotov6.Diagnostic {
	p.t.Helper()
	o := ch.obj
	typ := p.resourceType(o.typeName)
	null := tftypes.NewValue(typ, nil)
	ctx := context.Background()
	var diags []*tfprotov6.Diagnostic
	prior, priorPrivate := o.state, o.private
	if ch.action == "delete" || ch.action == "replace" {
		resp, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: o.typeName, PriorState: p.dynamic(typ, o.state), PlannedState: p.dynamic(typ, null),
			Config: p.dynamic(typ, null), PlannedPrivate: ch.private,
		})
		if err != nil {
			p.t.Fatal(err)
		}
		diags = append(diags, resp.Diagnostics...)
		if hasError(resp.Diagnostics) {
			return diags
		}
		o.state, o.private = null, nil
		if ch.action == "delete" {
			return diags
		}
		prior, priorPrivate = null, nil
	}
	final := p.planCall(o.typeName, prior, priorPrivate, o.config)
	diags = append(diags, final.Diagnostics...)
	if hasError(final.Diagnostics) {
		return diags
	}
	resp, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: o.typeName, PriorState: p.dynamic(typ, prior), PlannedState: final.PlannedState,
		Config: p.dynamic(typ, o.config), PlannedPrivate: final.PlannedPrivate,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	diags = append(diags, resp.Diagnostics...)
	o.state, o.private = p.unmarshal(typ, resp.NewState), resp.Private
	return diags
}

// up plans and applies objs as `terraform apply` does (a plan walk, then
// an apply walk), failing the test on any error.
func (e *trEnv) up(objs ...*trObj) []*tfprotov6.Diagnostic {
	e.t.Helper()
	plans, diags := e.planAll(objs...)
	if hasError(diags) {
		e.t.Fatalf("plan: %s", diagText(diags))
	}
	applied := e.applyAll(plans...)
	if hasError(applied) {
		e.t.Fatalf("apply: %s", diagText(applied))
	}
	return append(diags, applied...)
}

// planAll refreshes and plans objs in the order given, in one process.
func (e *trEnv) planAll(objs ...*trObj) ([]*trPlanned, []*tfprotov6.Diagnostic) {
	e.t.Helper()
	p := e.process()
	var diags []*tfprotov6.Diagnostic
	for _, o := range objs {
		diags = append(diags, p.read(o)...)
	}
	var plans []*trPlanned
	for _, o := range objs {
		pl := p.plan(o, false, false)
		diags = append(diags, pl.diags...)
		plans = append(plans, pl)
	}
	return plans, diags
}

// applyAll applies the changes of plans in a new process, in order.
func (e *trEnv) applyAll(plans ...*trPlanned) []*tfprotov6.Diagnostic {
	e.t.Helper()
	p := e.process()
	var diags []*tfprotov6.Diagnostic
	for _, pl := range plans {
		if pl.action != "noop" {
			diags = append(diags, p.applyChange(pl)...)
		}
	}
	return diags
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

// diagWith reports whether a diagnostic of the severity mentions every
// fragment (in its summary or detail, whitespace normalised).
func diagWith(diags []*tfprotov6.Diagnostic, sev tfprotov6.DiagnosticSeverity, fragments ...string) bool {
	for _, d := range diags {
		if d.Severity != sev {
			continue
		}
		text := strings.Join(strings.Fields(d.Summary+" "+d.Detail), " ")
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(text, f)
		}
		if all {
			return true
		}
	}
	return false
}

// trSeatsOf reads an assignments object's seats: recipient -> seat id
// ("" while unknown).
func trSeatsOf(v tftypes.Value) map[string]string {
	out := map[string]string{}
	if v.IsNull() || !v.IsKnown() {
		return out
	}
	var attrs map[string]tftypes.Value
	_ = v.As(&attrs)
	var seats map[string]tftypes.Value
	if !attrs["seats"].IsKnown() {
		return out
	}
	_ = attrs["seats"].As(&seats)
	for k, s := range seats {
		var entry map[string]tftypes.Value
		if s.IsKnown() && !s.IsNull() {
			_ = s.As(&entry)
		}
		out[k] = stringOf(entry["id"])
	}
	return out
}

// attrOf reads one string attribute of an object.
func attrOf(v tftypes.Value, name string) string {
	var attrs map[string]tftypes.Value
	_ = v.As(&attrs)
	return stringOf(attrs[name])
}

// teamUp is a new emulator and an assignments resource of the test
// subscription with the attributes set, applied.
func teamUp(t *testing.T, set map[string]tftypes.Value) (*trEnv, *protoEnv, *trObj) {
	t.Helper()
	e := newTrEnv(t)
	p := e.process()
	team := &trObj{typeName: trTeam, config: p.teamConfig(trSub, set)}
	e.up(team)
	return e, p, team
}

// memberOf is the member id Polar recorded for a seat.
func memberOf(s polar.CustomerSeat) string { return derefStr(s.MemberID) }

// exclusive = true -> false keeps the people the resource held only because
// it was exclusive: the plan drops them from state with a warning naming
// them, and apply revokes nobody. (Before, apply revoked them.)
func TestCustomerSeatAssignments_transitions_exclusiveOffReleasesTheUnlisted(t *testing.T) {
	t.Parallel()
	e, p, team := teamUp(t, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "bob@acme.io"), "exclusive": tftypes.NewValue(tftypes.Bool, true)})
	carol := e.assign(trSub, "carol@acme.io")

	team.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "bob@acme.io"), "exclusive": tftypes.NewValue(tftypes.Bool, false)})
	plans, diags := e.planAll(team)
	if hasError(diags) {
		t.Fatalf("plan: %s", diagText(diags))
	}
	if _, held := trSeatsOf(plans[0].planned)["carol@acme.io"]; held || plans[0].action != "update" {
		t.Fatalf("the plan keeps carol or changes nothing (%s): %v", plans[0].action, trSeatsOf(plans[0].planned))
	}
	if !diagWith(diags, tfprotov6.DiagnosticSeverityWarning, "carol@acme.io", carol.ID, "keep") {
		t.Errorf("no warning names carol as left alone: %s", diagText(diags))
	}
	_, deletesBefore := e.writes()
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}
	if _, deletes := e.writes(); deletes != deletesBefore {
		t.Fatalf("turning exclusive off sent %d revokes", deletes-deletesBefore)
	}
	if s := e.seat(trSub, carol.ID); !s.Status.Active() {
		t.Fatalf("carol lost her seat: %+v", s)
	}
	if got := trSeatsOf(team.state); len(got) != 2 || got["carol@acme.io"] != "" {
		t.Fatalf("state after apply: %v", got)
	}
	// The next plan is empty, and carol stays alone.
	plans, diags = e.planAll(team)
	if hasError(diags) || plans[0].action != "noop" {
		t.Fatalf("the plan after the release is %s: %s", plans[0].action, diagText(diags))
	}
}

// A person named in another form (member id, external member id) or
// another spelling keeps the seat: the plan shows the same seat id under
// the new key, apply sends nothing. One person named twice in one resource
// is refused at plan. (Before, the seat was revoked and state recorded it.)
func TestCustomerSeatAssignments_transitions_aPersonIsAPerson(t *testing.T) {
	t.Parallel()
	e, p, team := teamUp(t, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "erin@acme.io")})
	seats := trSeatsOf(team.state)
	alice := e.seat(trSub, seats["alice@acme.io"])
	if memberOf(alice) == "" {
		t.Fatalf("alice's seat has no member: %+v", alice)
	}
	postsBefore, deletesBefore := e.writes()

	// Both by another form: alice by member id, erin by her external id.
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"member_ids": trStrings(memberOf(alice)), "external_member_ids": trStrings("emp_erin")})
	plans, diags := e.planAll(team)
	if hasError(diags) {
		t.Fatalf("plan: %s", diagText(diags))
	}
	planned := trSeatsOf(plans[0].planned)
	if planned[memberOf(alice)] != alice.ID || planned["emp_erin"] != seats["erin@acme.io"] || len(planned) != 2 {
		t.Fatalf("planned seats %v, want the same seats under the new keys (%v)", planned, seats)
	}
	if !diagWith(diags, tfprotov6.DiagnosticSeverityWarning, "alice@acme.io", memberOf(alice), "nothing is sent") {
		t.Errorf("no warning names the rename: %s", diagText(diags))
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}
	if posts, deletes := e.writes(); posts != postsBefore || deletes != deletesBefore {
		t.Fatalf("a rename wrote to Polar: %d assignments, %d revokes", posts-postsBefore, deletes-deletesBefore)
	}
	if s := e.seat(trSub, alice.ID); !s.Status.Active() || trSeatsOf(team.state)[memberOf(alice)] != alice.ID {
		t.Fatalf("alice's seat after the rename: %+v, state %v", s, trSeatsOf(team.state))
	}

	// One person under two forms in one resource: refused, naming both.
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"emails": trStrings("ALICE@acme.io"), "member_ids": trStrings(memberOf(alice)), "external_member_ids": trStrings("emp_erin")})
	_, diags = e.planAll(team)
	if !diagWith(diags, tfprotov6.DiagnosticSeverityError, "emails[0]", "member_ids[0]", alice.ID) {
		t.Fatalf("one person named twice was not refused naming both: %s", diagText(diags))
	}
	if posts, deletes := e.writes(); posts != postsBefore || deletes != deletesBefore {
		t.Fatalf("the refused plan wrote to Polar")
	}
}

// A container imported (its people recorded by email) into a configuration
// that names them by external member id plans an in-place update that only
// records exclusive: same seats, nothing sent. The imported people the
// configuration does not name are released, not revoked.
func TestCustomerSeatAssignments_transitions_importIntoAnotherFormReleasesTheRest(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	erin := e.assign(trOrder, "erin@acme.io")
	other := e.assign(trOrder, "other@acme.io")
	p := e.process()
	typ := p.resourceType(trTeam)
	imp, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: trTeam, ID: "order/" + trOrder.ID})
	if err != nil || hasError(imp.Diagnostics) {
		t.Fatalf("import: %v %s", err, diagText(imp.Diagnostics))
	}
	team := &trObj{typeName: trTeam, state: p.unmarshal(typ, imp.ImportedResources[0].State), private: imp.ImportedResources[0].Private,
		config: p.teamConfig(trOrder, map[string]tftypes.Value{"external_member_ids": trStrings("emp_erin")})}
	if got := trSeatsOf(team.state); got["erin@acme.io"] != erin.ID || got["other@acme.io"] != other.ID {
		t.Fatalf("imported %v", got)
	}
	postsBefore, deletesBefore := e.writes()
	plans, diags := e.planAll(team)
	if hasError(diags) {
		t.Fatalf("plan: %s", diagText(diags))
	}
	if got := trSeatsOf(plans[0].planned); got["emp_erin"] != erin.ID || len(got) != 1 || plans[0].action != "update" {
		t.Fatalf("the plan after import is %s with %v", plans[0].action, got)
	}
	if !diagWith(diags, tfprotov6.DiagnosticSeverityWarning, "other@acme.io", other.ID) {
		t.Errorf("no warning names the released seat: %s", diagText(diags))
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}
	if posts, deletes := e.writes(); posts != postsBefore || deletes != deletesBefore {
		t.Fatalf("the first apply after import wrote to Polar: %d assignments, %d revokes", posts-postsBefore, deletes-deletesBefore)
	}
	if s := e.seat(trOrder, other.ID); !s.Status.Active() {
		t.Fatalf("the import revoked a person the configuration does not name: %+v", s)
	}
	if plans, diags = e.planAll(team); plans[0].action != "noop" {
		t.Fatalf("the second plan after import is %s: %s", plans[0].action, diagText(diags))
	}
}

// trMoves is a team a = [alice, carol], a team b = [bob] and a seat x for
// dave on one subscription, applied.
func trMoves(t *testing.T) (e *trEnv, p *protoEnv, a, b, x *trObj) {
	e = newTrEnv(t)
	p = e.process()
	a = &trObj{typeName: trTeam, config: p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "carol@acme.io")})}
	b = &trObj{typeName: trTeam, config: p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io")})}
	x = &trObj{typeName: trSeat, config: p.seatConfig(trSub, "email", "dave@acme.io")}
	e.up(a, b, x)
	return e, p, a, b, x
}

// A person moving between two resources of one plan is refused whichever
// resource Terraform plans first, with the recipe for the direction; the
// refused plan writes nothing. (Before, team -> team revoked alice and
// recorded her revoked seat in b.)
func TestCustomerSeatAssignments_transitions_movesAreRefusedInBothOrders(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		edit func(p *protoEnv, a, b, x *trObj) []*trObj // the objects planned, in the first order
		want []string                                   // in the refusal
	}{
		"team to team": {
			edit: func(p *protoEnv, a, b, _ *trObj) []*trObj {
				a.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("carol@acme.io")})
				b.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io", "alice@acme.io")})
				return []*trObj{a, b}
			},
			want: []string{"alice@acme.io", "removed {", "destroy = false", "import {", `id = "subscription/` + trSub.ID + `"`},
		},
		"seat to team": {
			edit: func(p *protoEnv, _, b, x *trObj) []*trObj {
				x.config = tftypes.NewValue(p.resourceType(trSeat), nil)
				b.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io", "dave@acme.io")})
				return []*trObj{x, b}
			},
			want: []string{"dave@acme.io", "removed {", "from = polar_customer_seat.", "destroy = false"},
		},
		"team destroyed to team": {
			edit: func(p *protoEnv, a, b, _ *trObj) []*trObj {
				a.config = tftypes.NewValue(p.resourceType(trTeam), nil)
				b.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io", "alice@acme.io")})
				return []*trObj{a, b}
			},
			want: []string{"alice@acme.io", "removed {", "from = polar_customer_seat_assignments.", "destroy = false"},
		},
		"team to seat": {
			edit: func(p *protoEnv, a, _, _ *trObj) []*trObj {
				a.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("carol@acme.io")})
				y := &trObj{typeName: trSeat, config: p.seatConfig(trSub, "email", "alice@acme.io"), state: tftypes.NewValue(p.resourceType(trSeat), nil)}
				return []*trObj{a, y}
			},
			want: []string{"alice@acme.io", "removed {", "from = polar_customer_seat_assignments.", "import {", "to = polar_customer_seat."},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, reverse := range []bool{false, true} {
				e, p, a, b, x := trMoves(t)
				objs := c.edit(p, a, b, x)
				if reverse {
					objs[0], objs[1] = objs[1], objs[0]
				}
				postsBefore, deletesBefore := e.writes()
				_, diags := e.planAll(objs...)
				if !diagWith(diags, tfprotov6.DiagnosticSeverityError, c.want...) {
					t.Errorf("reverse=%v: the move was not refused with the recipe %q:\n%s", reverse, c.want, diagText(diags))
				}
				if posts, deletes := e.writes(); posts != postsBefore || deletes != deletesBefore {
					t.Errorf("reverse=%v: the refused plan wrote to Polar", reverse)
				}
			}
		})
	}
}

// A change of container plans a replacement (two calls, the second with the
// first's planned private state) and applies it: the old container's seats
// revoked, the new one's assigned. A forced replacement (-replace) plans
// too. A tainted resource (one call, null prior state and private state)
// whose recipients hold seats is still refused. (Before, both replacements
// were refused as two resources fighting over one container.)
func TestCustomerSeatAssignments_transitions_replacements(t *testing.T) {
	t.Parallel()
	e, p, team := teamUp(t, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "bob@acme.io")})
	first := trSeatsOf(team.state)

	// -replace: planned, and applied as revoke then assign.
	pp := e.process()
	pp.read(team)
	forced := pp.plan(team, true, false)
	if hasError(forced.diags) || forced.action != "replace" {
		t.Fatalf("-replace: %s %s", forced.action, diagText(forced.diags))
	}
	if d := e.applyAll(forced); hasError(d) {
		t.Fatalf("apply -replace: %s", diagText(d))
	}
	second := trSeatsOf(team.state)
	for who, id := range first {
		if s := e.seat(trSub, second[who]); second[who] == "" || !s.Status.Active() || !strings.EqualFold(derefStr(s.Email), who) {
			t.Fatalf("%s after -replace: seat %s %+v (before %s)", who, second[who], s, id)
		}
	}

	// Tainted: refused, nothing written.
	postsBefore, deletesBefore := e.writes()
	pt := e.process()
	tainted := pt.plan(team, false, true)
	if !diagWith(tainted.diags, tfprotov6.DiagnosticSeverityError, "already hold seats", "terraform untaint") {
		t.Fatalf("the tainted resource's replacement was not refused: %s", diagText(tainted.diags))
	}
	if posts, deletes := e.writes(); posts != postsBefore || deletes != deletesBefore {
		t.Fatalf("the refused plan wrote to Polar")
	}

	// Another container: a replacement, old seats revoked, new ones assigned.
	team.config = p.teamConfig(trOrder, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "bob@acme.io")})
	plans, diags := e.planAll(team)
	if hasError(diags) || plans[0].action != "replace" {
		t.Fatalf("change of container: %s %s", plans[0].action, diagText(diags))
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply the change of container: %s", diagText(d))
	}
	for who, id := range second {
		if s := e.seat(trSub, id); s.Status != polar.SeatStatusRevoked {
			t.Errorf("%s's seat in the old container is %s", who, s.Status)
		}
		if s := e.seat(trOrder, trSeatsOf(team.state)[who]); !s.Status.Active() {
			t.Errorf("%s has no seat in the new container: %+v", who, s)
		}
	}
	if attrOf(team.state, "id") != "order/"+trOrder.ID {
		t.Errorf("id after the change: %s", attrOf(team.state, "id"))
	}
}

// An exclusive resource whose recipients are known only at apply fights
// every other seat resource on its container: refused at plan, whichever is
// planned first. (Before, the plan passed and the apply failed half-way.)
func TestCustomerSeatAssignments_transitions_exclusiveWithUnknownRecipientsIsRefused(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	p := e.process()
	unknown := tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue)
	team := &trObj{typeName: trTeam, state: tftypes.NewValue(p.resourceType(trTeam), nil),
		config: p.teamConfig(trSub, map[string]tftypes.Value{"emails": unknown, "exclusive": tftypes.NewValue(tftypes.Bool, true)})}
	solo := &trObj{typeName: trSeat, state: tftypes.NewValue(p.resourceType(trSeat), nil), config: p.seatConfig(trSub, "email", "solo@acme.io")}
	for _, order := range [][]*trObj{{team, solo}, {solo, team}} {
		_, diags := e.planAll(order...)
		if !diagWith(diags, tfprotov6.DiagnosticSeverityError, "exclusive", "polar_customer_seat") {
			t.Errorf("planned %s first: not refused: %s", order[0].typeName, diagText(diags))
		}
	}
}

// A create whose assignment answer was lost, and whose seat was adopted,
// says so, as an update does. (Before, the create said nothing.)
func TestCustomerSeatAssignments_transitions_createWarnsOfAdoptions(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	p := e.process()
	team := &trObj{typeName: trTeam, config: p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("lost@acme.io")})}
	e.drop.Store(true) // the create's assignment: its answer is lost
	diags := e.up(team)
	if !diagWith(diags, tfprotov6.DiagnosticSeverityWarning, "Seat adopted after a lost answer", "lost@acme.io") {
		t.Fatalf("the create adopted a seat silently: %s", diagText(diags))
	}
	if got := trSeatsOf(team.state); got["lost@acme.io"] == "" {
		t.Fatalf("state %v", got)
	}
}

// A polar_customer_seat moved to another container is replaced: its seat
// in the old container is revoked. A team that adopts that seat in the same
// plan is refused as a move, in both orders. (Before, the seat's claim was
// made in the new container, and the adoption passed.)
func TestCustomerSeatAssignments_transitions_seatLeavingItsContainerIsAMove(t *testing.T) {
	t.Parallel()
	for _, reverse := range []bool{false, true} {
		e, p, _, b, x := trMoves(t)
		x.config = p.seatConfig(trOrder, "email", "dave@acme.io")
		b.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io", "dave@acme.io")})
		objs := []*trObj{x, b}
		if reverse {
			objs = []*trObj{b, x}
		}
		if _, diags := e.planAll(objs...); !diagWith(diags, tfprotov6.DiagnosticSeverityError, "A seat moves between two resources", "dave@acme.io") {
			t.Errorf("reverse=%v: not refused: %s", reverse, diagText(diags))
		}
	}
}

// A resource replaced (-replace) while another adopts one of its people:
// the replacement's destroy would revoke the seat the other records.
// Refused whichever is planned first.
func TestCustomerSeatAssignments_transitions_replaceAndMoveInOnePlanIsRefused(t *testing.T) {
	t.Parallel()
	for _, replaceFirst := range []bool{true, false} {
		e, p, a, b, _ := trMoves(t)
		b.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io", "alice@acme.io")})
		q := e.process()
		q.read(a)
		q.read(b)
		var diags []*tfprotov6.Diagnostic
		if replaceFirst {
			diags = append(append(diags, q.plan(a, true, false).diags...), q.plan(b, false, false).diags...)
		} else {
			diags = append(append(diags, q.plan(b, false, false).diags...), q.plan(a, true, false).diags...)
		}
		if !hasError(diags) || !diagWith(diags, tfprotov6.DiagnosticSeverityError, "alice@acme.io") {
			t.Errorf("replace planned first=%v: not refused: %s", replaceFirst, diagText(diags))
		}
	}
}

// A polar_customer_seat replaced to a container known only at apply still
// claims its recipient on the container it leaves (the second plan call,
// which claims where the seat goes, claims nothing then): a new exclusive
// team there is refused at plan, whichever is planned first. (Found by the
// adversarial review of the replacement claims: the first half claimed only
// the seat, and the fight surfaced at apply.)
func TestCustomerSeatAssignments_transitions_seatToAnUnknownContainerBesideAnExclusiveTeam(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	p := e.process()
	x := &trObj{typeName: trSeat, config: p.seatConfig(trSub, "email", "dave@acme.io")}
	e.up(x)
	x.config = p.value(p.resourceType(trSeat), map[string]tftypes.Value{
		"subscription_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"email":           tftypes.NewValue(tftypes.String, "dave@acme.io"),
	})
	team := &trObj{typeName: trTeam, state: tftypes.NewValue(p.resourceType(trTeam), nil),
		config: p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io"), "exclusive": tftypes.NewValue(tftypes.Bool, true)})}
	for _, order := range [][]*trObj{{team, x}, {x, team}} {
		if _, diags := e.planAll(order...); !diagWith(diags, tfprotov6.DiagnosticSeverityError, "exclusive") {
			t.Errorf("planned %s first: not refused: %s", order[0].typeName, diagText(diags))
		}
	}
}
