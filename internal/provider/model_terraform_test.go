package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A small Terraform core at the protocol level, for the model test. The plan
// checks that keep a provider honest (a planned value must agree with the
// configuration; what a plan knows must not change at apply) live in
// Terraform's internal packages, so the core applies them itself, with
// Terraform's wording, the way Terraform 1.11 does:
//
//   - every walk (validate; plan = refresh + plan; apply; import) starts
//     fresh provider servers, one per provider configuration (alias), as
//     Terraform starts new plugin processes; plan and apply walks configure
//     them first;
//   - plan: per resource, ReadResource (state, private, identity), then
//     PlanResourceChange with the proposed new state Terraform computes
//     (objchange.ProposedNew); a replacement is planned again in the same
//     process with a null prior state and the first call's planned private
//     state; a tainted object is planned as a create and shown as a replace;
//     resources in state but not in configuration plan a destroy (null
//     proposed state and configuration);
//   - apply: deletes, then creates of a replacement (delete then create);
//     every other resource in any order (Terraform runs independent resources
//     concurrently; the order is drawn). Each non-delete change is planned
//     again (the final plan, which must be compatible with the first), then
//     applied; the new state must be compatible with the final plan and
//     wholly known. A failed apply keeps what the provider returned, and a
//     create that failed with an object is tainted.
//
// The core knows nothing of Polar: the model drives it and reads its state.

// tfT is what the core needs of a test.
type tfT interface {
	Helper()
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// tfConfig is one resource block of the configuration.
type tfConfig struct {
	typeName string
	alias    string // "" for the default provider configuration
	value    tftypes.Value
}

// tfObject is one resource instance in state.
type tfObject struct {
	typeName string
	alias    string
	value    tftypes.Value
	private  []byte
	identity *tftypes.Value
	tainted  bool
}

func (o *tfObject) clone() *tfObject {
	if o == nil {
		return nil
	}
	c := *o
	return &c
}

// tfDiag is a diagnostic with the address and call it came from.
type tfDiag struct {
	addr string
	call string
	*tfprotov6.Diagnostic
}

func (d tfDiag) String() string {
	sev := "warning"
	if d.Severity == tfprotov6.DiagnosticSeverityError {
		sev = "error"
	}
	return fmt.Sprintf("%s %s (%s): %s: %s", sev, d.addr, d.call, d.Summary, d.Detail)
}

func modelErrors(diags []tfDiag) []tfDiag {
	var out []tfDiag
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

// Plan actions, as Terraform names them.
const (
	actNoOp    = "no-op"
	actCreate  = "create"
	actUpdate  = "update"
	actReplace = "replace"
	actDelete  = "delete"
)

// tfChange is what a plan does to one resource.
type tfChange struct {
	addr     string
	action   string
	prior    *tfObject // the refreshed object (nil when there is none)
	planned  tftypes.Value
	private  []byte
	identity *tftypes.Value
	// replacePaths are the attributes whose change requires a replacement.
	replacePaths []string
}

// tfPlan is the outcome of a plan walk.
type tfPlan struct {
	refreshed map[string]*tfObject
	changes   map[string]*tfChange
	diags     []tfDiag
}

func (p *tfPlan) errored() bool { return len(modelErrors(p.diags)) > 0 }

// tfApplied is the outcome of an apply walk.
type tfApplied struct {
	diags       []tfDiag
	interrupted bool
	order       []string // the operations, as run
}

func (a *tfApplied) errored() bool { return len(modelErrors(a.diags)) > 0 || a.interrupted }

// tfInterrupt interrupts an apply (Ctrl-C) during its operation number at:
// arm is called as that operation starts and returns a channel that says a
// write of it is on its way (or nil: interrupt before it starts); the
// operation's context is then cancelled, release lets the write land, and no
// later operation starts.
type tfInterrupt struct {
	at      int
	arm     func() <-chan *heldRequest
	release func()
}

// tfCore is the core: the provider configurations, the configuration, the
// state, and how it draws an order.
type tfCore struct {
	t        tfT
	schemas  *tfprotov6.GetProviderSchemaResponse
	idTypes  map[string]tftypes.Type
	provider map[string]tftypes.Value // provider configuration by alias
	config   map[string]*tfConfig
	state    map[string]*tfObject
	// perm draws the order of n independent operations.
	perm func(label string, n int) []int
	// onCall says which resource operation the next requests are for
	// ("plan polar_customer_seat.x", "apply …").
	onCall func(source string)
	// walk is the walk under way (sibling claims).
	walk *tfWalk
}

func newTFCore(t tfT) *tfCore {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatalf("provider server: %v", err)
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schemas.Diagnostics) {
		t.Fatalf("schema: %v %v", err, schemas.Diagnostics)
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasError(ids.Diagnostics) {
		t.Fatalf("identity schemas: %v %v", err, ids.Diagnostics)
	}
	c := &tfCore{t: t, schemas: schemas, idTypes: map[string]tftypes.Type{}, provider: map[string]tftypes.Value{},
		config: map[string]*tfConfig{}, state: map[string]*tfObject{},
		perm: func(_ string, n int) []int { return identityPerm(n) }, onCall: func(string) {}}
	for name, s := range ids.IdentitySchemas {
		c.idTypes[name] = s.ValueType()
	}
	return c
}

// failStable fails the test with a message that names only the kind of
// failure, after logging its details. rapid shrinks a failing sequence only
// while the failure's message stays the same, and the details (seat ids,
// names) change from run to run.
func failStable(t tfT, kind, format string, args ...any) {
	t.Helper()
	t.Logf("%s: %s", kind, fmt.Sprintf(format, args...))
	t.Fatalf("%s", kind)
}

func identityPerm(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (c *tfCore) block(typeName string) *tfprotov6.SchemaBlock {
	return c.schemas.ResourceSchemas[typeName].Block
}

func (c *tfCore) typ(typeName string) tftypes.Type {
	return c.schemas.ResourceSchemas[typeName].ValueType()
}

// object builds a value of a resource (or provider) type from the attributes
// given; every other attribute and block is null (protoEnv.value, which
// needs nothing of its environment).
func (c *tfCore) object(typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	return (&protoEnv{}).value(typ, set)
}

func (c *tfCore) dv(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	c.t.Helper()
	d, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		c.t.Fatalf("encode %s: %v", v, err)
	}
	return &d
}

func (c *tfCore) value(typ tftypes.Type, d *tfprotov6.DynamicValue) tftypes.Value {
	c.t.Helper()
	if d == nil {
		return tftypes.NewValue(typ, nil)
	}
	v, err := d.Unmarshal(typ)
	if err != nil {
		c.t.Fatalf("decode: %v", err)
	}
	return v
}

func (c *tfCore) identityData(typeName string, v *tftypes.Value) *tfprotov6.ResourceIdentityData {
	if v == nil {
		return nil
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: c.dv(c.idTypes[typeName], *v)}
}

func (c *tfCore) identityValue(typeName string, d *tfprotov6.ResourceIdentityData) *tftypes.Value {
	if d == nil || d.IdentityData == nil {
		return nil
	}
	v := c.value(c.idTypes[typeName], d.IdentityData)
	return &v
}

// modelTiming is the write timing of the model's providers: the waits of
// a real provider (a 2-minute settle window for an unanswered revoke, polls
// from half a second) scaled down, so that a sequence takes seconds. The
// settle window still outlasts request_timeout (holdTimeout) and the
// proxy's holds, which release at the latest when an apply ends.
var modelTiming = writeTiming{settleWindow: 300 * time.Millisecond, pollInterval: 5 * time.Millisecond, pollMax: 20 * time.Millisecond, assignStep: 10 * time.Millisecond}

// stringAttr is a string attribute of an object value ("" when absent,
// null or unknown).
func stringAttr(obj tftypes.Value, name string) string {
	var attrs map[string]tftypes.Value
	if obj.IsNull() || !obj.IsKnown() || obj.As(&attrs) != nil {
		return ""
	}
	var out string
	if a, ok := attrs[name]; ok && a.IsKnown() && !a.IsNull() {
		_ = a.As(&out)
	}
	return out
}

// modelSiblingsBase holds the sibling-claim files of every walk of every
// model machine of this test process (removed by TestMain).
var modelSiblingsBase = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "polar-model-siblings-")
	if err != nil {
		panic(err)
	}
	return dir
})

// modelWalks numbers the walks of every core: each is a Terraform run of
// its own, with processes of its own, in the sibling files.
var modelWalks atomic.Int64

// tfWalk is one walk: its run directory, and the processes started in it.
type tfWalk struct {
	run       processIdentity
	processes atomic.Int64
}

// newWalk starts a walk, ending the core's previous one (its files are
// removed: Terraform ends a walk's processes before the next walk starts).
func (c *tfCore) newWalk() *tfWalk {
	if c.walk != nil {
		_ = os.RemoveAll(filepath.Join(modelSiblingsBase(), c.walk.run.String()))
	}
	c.walk = &tfWalk{run: processIdentity{PID: int(modelWalks.Add(1)), Start: "walk"}}
	return c.walk
}

// process is the sibling registry of a new provider process of the walk:
// every process of the walk is alive while the walk lasts.
func (w *tfWalk) process() siblingClaims {
	self := processIdentity{PID: int(w.processes.Add(1)), Start: "process"}
	return newFileSiblings(modelSiblingsBase(), w.run, self, func(processIdentity) bool { return true }, nil)
}

// start starts one provider server per alias in use, configured when
// configure is set, as Terraform does at the start of a walk.
func (c *tfCore) start(ctx context.Context, configure bool) map[string]tfprotov6.ProviderServer {
	c.t.Helper()
	aliases := map[string]bool{}
	for _, r := range c.config {
		aliases[r.alias] = true
	}
	for _, o := range c.state {
		aliases[o.alias] = true
	}
	out := map[string]tfprotov6.ProviderServer{}
	walk := c.newWalk()
	for alias := range aliases {
		// One provider process per configuration, as Terraform starts
		// them: each shares its claims with the walk's other processes
		// through files, never in memory.
		server, err := providerserver.NewProtocol6WithError(&polarProvider{version: "test", siblings: walk.process(), timing: &modelTiming})()
		if err != nil {
			c.t.Fatalf("provider server: %v", err)
		}
		cfg, ok := c.provider[alias]
		if !ok {
			c.t.Fatalf("no provider configuration %q", alias)
		}
		typ := c.schemas.Provider.ValueType()
		v, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: c.dv(typ, cfg)})
		if err != nil || hasError(v.Diagnostics) {
			c.t.Fatalf("validate provider %q: %v %v", alias, err, v.Diagnostics)
		}
		if configure {
			resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: c.dv(typ, cfg)})
			if err != nil || hasError(resp.Diagnostics) {
				c.t.Fatalf("configure provider %q: %v %v", alias, err, resp.Diagnostics)
			}
		}
		out[alias] = server
	}
	return out
}

func diagsOf(addr, call string, ds []*tfprotov6.Diagnostic) []tfDiag {
	out := make([]tfDiag, 0, len(ds))
	for _, d := range ds {
		out = append(out, tfDiag{addr: addr, call: call, Diagnostic: d})
	}
	return out
}

// validate is `terraform validate`: ValidateResourceConfig for every
// resource, in unconfigured servers.
func (c *tfCore) validate(ctx context.Context) []tfDiag {
	c.t.Helper()
	servers := c.start(ctx, false)
	var diags []tfDiag
	for _, addr := range sortedKeys(c.config) {
		r := c.config[addr]
		resp, err := servers[r.alias].ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: r.typeName, Config: c.dv(c.typ(r.typeName), r.value)})
		if err != nil {
			c.t.Fatalf("validate %s: %v", addr, err)
		}
		diags = append(diags, diagsOf(addr, "validate", resp.Diagnostics)...)
	}
	return diags
}

// Plan modes.
const (
	planNormal = iota
	planRefreshOnly
	planDestroy
)

// plan is a plan walk. A refresh-only plan and a successful refresh are
// what `terraform apply -refresh-only` persists (the caller decides).
func (c *tfCore) plan(ctx context.Context, mode int, skipRefresh bool) *tfPlan {
	c.t.Helper()
	servers := c.start(ctx, true)
	p := &tfPlan{refreshed: map[string]*tfObject{}, changes: map[string]*tfChange{}}
	addrs := map[string]bool{}
	for a := range c.state {
		addrs[a] = true
	}
	if mode == planNormal {
		for a := range c.config {
			addrs[a] = true
		}
	}
	list := sortedKeys(addrs)
	for _, i := range c.perm("plan order", len(list)) {
		addr := list[i]
		obj := c.state[addr].clone()
		if obj != nil && !skipRefresh {
			obj = c.refresh(ctx, servers[obj.alias], addr, obj, &p.diags)
		}
		if obj != nil {
			p.refreshed[addr] = obj
		}
		if mode == planRefreshOnly {
			continue
		}
		cfg := c.config[addr]
		switch {
		case mode == planDestroy || cfg == nil:
			if obj != nil {
				c.planDestroy(ctx, servers[obj.alias], addr, obj, p)
			}
		default:
			c.planResource(ctx, servers[cfg.alias], addr, obj, cfg, p)
		}
	}
	return p
}

// refresh is ReadResource; a null new state removes the object.
func (c *tfCore) refresh(ctx context.Context, server tfprotov6.ProviderServer, addr string, obj *tfObject, diags *[]tfDiag) *tfObject {
	c.t.Helper()
	c.onCall("refresh " + addr)
	typ := c.typ(obj.typeName)
	resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: obj.typeName, CurrentState: c.dv(typ, obj.value),
		Private: obj.private, CurrentIdentity: c.identityData(obj.typeName, obj.identity)})
	if err != nil {
		c.t.Fatalf("read %s: %v", addr, err)
	}
	*diags = append(*diags, diagsOf(addr, "read", resp.Diagnostics)...)
	if hasError(resp.Diagnostics) {
		return obj // a failed refresh fails the plan; state is kept
	}
	v := c.value(typ, resp.NewState)
	if v.IsNull() {
		return nil
	}
	id := c.identityValue(obj.typeName, resp.NewIdentity)
	// Terraform core lets a refresh change an identity (since 1.12.1:
	// hashicorp/terraform#36989); the framework refuses it unless the
	// resource declares MutableIdentity, which polar_customer_seat does,
	// because its seat follows the person to a reissued seat. The identity
	// must still name the refreshed object: its seat id.
	if obj.identity != nil && id != nil && !obj.identity.Equal(*id) && stringAttr(*id, "seat_id") != stringAttr(v, "id") {
		failStable(c.t, "Provider produced different identity", "%s refreshed with identity %s, was %s, for seat %s", addr, *id, *obj.identity, stringAttr(v, "id"))
	}
	out := &tfObject{typeName: obj.typeName, alias: obj.alias, value: v, private: resp.Private, identity: id, tainted: obj.tainted}
	if out.identity == nil {
		out.identity = obj.identity
	}
	return out
}

// planResource plans one configured resource, replacement included.
func (c *tfCore) planResource(ctx context.Context, server tfprotov6.ProviderServer, addr string, obj *tfObject, cfg *tfConfig, p *tfPlan) {
	c.t.Helper()
	c.onCall("plan " + addr)
	typ := c.typ(cfg.typeName)
	prior, tainted := tftypes.NewValue(typ, nil), false
	var priorPrivate []byte
	var priorID *tftypes.Value
	if obj != nil && !obj.tainted {
		prior, priorPrivate, priorID = obj.value, obj.private, obj.identity
	}
	if obj != nil && obj.tainted {
		tainted = true
	}
	planned, private, id, reqRep, ok := c.planCall(ctx, server, addr, cfg, prior, priorPrivate, priorID, &p.diags)
	if !ok {
		return
	}
	ch := &tfChange{addr: addr, prior: obj, planned: planned, private: private, identity: id, replacePaths: reqRep}
	switch {
	case prior.IsNull() && tainted:
		ch.action = actReplace
	case prior.IsNull():
		ch.action = actCreate
	case len(reqRep) > 0:
		ch.action = actReplace
		// Terraform plans the new object again, in the same process, as a
		// create with the first call's private state.
		planned, private, id, _, ok := c.planCall(ctx, server, addr, cfg, tftypes.NewValue(typ, nil), private, nil, &p.diags)
		if !ok {
			return
		}
		ch.planned, ch.private, ch.identity = planned, private, id
	case planned.Equal(prior):
		ch.action = actNoOp
	default:
		ch.action = actUpdate
	}
	p.changes[addr] = ch
}

// planCall is one PlanResourceChange with Terraform's checks of the answer.
// It returns the planned value, private state and identity, and the
// attributes that require a replacement and really change.
func (c *tfCore) planCall(ctx context.Context, server tfprotov6.ProviderServer, addr string, cfg *tfConfig, prior tftypes.Value, priorPrivate []byte,
	priorID *tftypes.Value, diags *[]tfDiag) (tftypes.Value, []byte, *tftypes.Value, []string, bool) {
	c.t.Helper()
	typ := c.typ(cfg.typeName)
	block := c.block(cfg.typeName)
	proposed := proposedNew(block, prior, cfg.value)
	resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: cfg.typeName, PriorState: c.dv(typ, prior),
		ProposedNewState: c.dv(typ, proposed), Config: c.dv(typ, cfg.value), PriorPrivate: priorPrivate, PriorIdentity: c.identityData(cfg.typeName, priorID)})
	if err != nil {
		c.t.Fatalf("plan %s: %v", addr, err)
	}
	*diags = append(*diags, diagsOf(addr, "plan", resp.Diagnostics)...)
	if hasError(resp.Diagnostics) {
		return tftypes.Value{}, nil, nil, nil, false
	}
	planned := c.value(typ, resp.PlannedState)
	if errs := assertPlanValid(block, prior, cfg.value, planned, ""); len(errs) > 0 {
		failStable(c.t, "Provider produced invalid plan", "%s: %s", addr, strings.Join(errs, "; "))
	}
	var reqRep []string
	if !prior.IsNull() {
		for _, path := range resp.RequiresReplace {
			if changed(prior, planned, path) {
				reqRep = append(reqRep, rootName(path))
			}
		}
	}
	return planned, resp.PlannedPrivate, c.identityValue(cfg.typeName, resp.PlannedIdentity), reqRep, true
}

// planDestroy is how Terraform plans the destruction of an object.
func (c *tfCore) planDestroy(ctx context.Context, server tfprotov6.ProviderServer, addr string, obj *tfObject, p *tfPlan) {
	c.t.Helper()
	c.onCall("plan " + addr)
	typ := c.typ(obj.typeName)
	null := c.dv(typ, tftypes.NewValue(typ, nil))
	resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: obj.typeName, PriorState: c.dv(typ, obj.value),
		ProposedNewState: null, Config: null, PriorPrivate: obj.private, PriorIdentity: c.identityData(obj.typeName, obj.identity)})
	if err != nil {
		c.t.Fatalf("plan destroy %s: %v", addr, err)
	}
	p.diags = append(p.diags, diagsOf(addr, "plan destroy", resp.Diagnostics)...)
	if hasError(resp.Diagnostics) {
		return
	}
	if planned := c.value(typ, resp.PlannedState); !planned.IsNull() {
		failStable(c.t, "Provider produced invalid plan", "%s: planned for existence but config wants absence", addr)
	}
	p.changes[addr] = &tfChange{addr: addr, action: actDelete, prior: obj, planned: tftypes.NewValue(typ, nil), private: resp.PlannedPrivate, identity: obj.identity}
}

// tfOp is one operation of an apply walk.
type tfOp struct {
	ch     *tfChange
	delete bool
}

// apply is the apply walk of a plan whose refreshed state becomes the
// state it starts from (as `terraform apply` of a fresh plan does).
func (c *tfCore) apply(ctx context.Context, p *tfPlan, interrupt *tfInterrupt) *tfApplied {
	c.t.Helper()
	c.state = map[string]*tfObject{}
	for addr, o := range p.refreshed {
		c.state[addr] = o.clone()
	}
	servers := c.start(ctx, true)
	var ops []tfOp
	for _, addr := range sortedKeys(p.changes) {
		ch := p.changes[addr]
		switch ch.action {
		case actDelete:
			ops = append(ops, tfOp{ch: ch, delete: true})
		case actReplace:
			ops = append(ops, tfOp{ch: ch, delete: true}, tfOp{ch: ch})
		default:
			ops = append(ops, tfOp{ch: ch})
		}
	}
	order := make([]tfOp, 0, len(ops))
	for _, i := range c.perm("apply order", len(ops)) {
		order = append(order, ops[i])
	}
	// A replacement deletes before it creates.
	for i := range order {
		for j := i + 1; j < len(order); j++ {
			if order[j].ch == order[i].ch && order[j].delete && !order[i].delete {
				order[i], order[j] = order[j], order[i]
			}
		}
	}
	res := &tfApplied{}
	failed := map[string]bool{}
	for i, op := range order {
		if res.interrupted {
			break
		}
		addr := op.ch.addr
		if failed[addr] {
			continue // the delete of a replacement failed: no create
		}
		opCtx, cancel := context.WithCancel(ctx)
		run := func() []tfDiag {
			if op.delete {
				res.order = append(res.order, "delete "+addr)
				return c.applyDelete(opCtx, servers[op.ch.prior.alias], op.ch)
			}
			res.order = append(res.order, op.ch.action+" "+addr)
			return c.applyChange(opCtx, servers[c.config[addr].alias], op.ch)
		}
		var diags []tfDiag
		if interrupt != nil && interrupt.at == i {
			res.interrupted = true
			diags = c.interrupted(run, interrupt, cancel)
		} else {
			diags = run()
		}
		cancel()
		if len(modelErrors(diags)) > 0 {
			failed[addr] = true
		}
		res.diags = append(res.diags, diags...)
	}
	return res
}

// interrupted runs an operation and interrupts it once a write of it is on
// its way (or before it starts).
func (c *tfCore) interrupted(run func() []tfDiag, in *tfInterrupt, cancel context.CancelFunc) []tfDiag {
	held := in.arm()
	if held == nil {
		cancel()
		return run()
	}
	done := make(chan []tfDiag, 1)
	failed := make(chan any, 1)
	go func() {
		// A failed check (t.Fatalf) panics: carry it to the test's goroutine.
		defer func() {
			if v := recover(); v != nil {
				failed <- v
			}
		}()
		done <- run()
	}()
	wait := func() []tfDiag {
		select {
		case d := <-done:
			return d
		case v := <-failed:
			panic(v)
		}
	}
	select {
	case d := <-done:
		return d // nothing was written: interrupted after it
	case v := <-failed:
		panic(v)
	case <-held:
		cancel()
		in.release()
		return wait()
	}
}

// applyDelete applies the delete of an object (a destroy, or the first half
// of a replacement).
func (c *tfCore) applyDelete(ctx context.Context, server tfprotov6.ProviderServer, ch *tfChange) []tfDiag {
	c.t.Helper()
	addr := ch.addr
	c.onCall("delete " + addr)
	obj := c.state[addr]
	if obj == nil {
		return nil
	}
	typ := c.typ(obj.typeName)
	null := tftypes.NewValue(typ, nil)
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: obj.typeName, PriorState: c.dv(typ, obj.value),
		PlannedState: c.dv(typ, null), Config: c.dv(typ, null), PlannedPrivate: ch.private, PlannedIdentity: c.identityData(obj.typeName, obj.identity)})
	if err != nil {
		c.t.Fatalf("apply delete %s: %v", addr, err)
	}
	diags := diagsOf(addr, "apply delete", resp.Diagnostics)
	v := c.value(typ, resp.NewState)
	switch {
	case hasError(resp.Diagnostics) && v.IsNull():
		// Terraform keeps the prior object: the next run tries again.
	case hasError(resp.Diagnostics):
		c.state[addr] = &tfObject{typeName: obj.typeName, alias: obj.alias, value: v, private: resp.Private, identity: obj.identity, tainted: obj.tainted}
	case !v.IsNull():
		failStable(c.t, "Provider returned invalid result object after apply", "%s was deleted but the provider returned %s", addr, v)
	default:
		delete(c.state, addr)
	}
	return diags
}

// applyChange plans a change again in the apply walk (the final plan),
// checks it against the first plan, and applies it.
func (c *tfCore) applyChange(ctx context.Context, server tfprotov6.ProviderServer, ch *tfChange) []tfDiag {
	c.t.Helper()
	addr := ch.addr
	cfg := c.config[addr]
	typ := c.typ(cfg.typeName)
	block := c.block(cfg.typeName)
	prior := tftypes.NewValue(typ, nil)
	var priorPrivate []byte
	var priorID *tftypes.Value
	obj := c.state[addr]
	if obj != nil && !obj.tainted {
		prior, priorPrivate, priorID = obj.value, obj.private, obj.identity
	}
	c.onCall("apply " + addr)
	var diags []tfDiag
	final, private, id, reqRep, ok := c.planCall(ctx, server, addr, cfg, prior, priorPrivate, priorID, &diags)
	if !ok {
		return diags
	}
	action := actUpdate
	switch {
	case prior.IsNull():
		action = actCreate
		if ch.action == actReplace {
			action = actReplace
		}
	case len(reqRep) > 0:
		action = actReplace
	case final.Equal(prior):
		action = actNoOp
	}
	if action != ch.action {
		failStable(c.t, "Provider produced inconsistent final plan", "when expanding the plan for %s to include new values learned so far during apply, "+
			"the planned action changed from %s to %s", addr, ch.action, action)
	}
	if errs := assertObjectCompatible(block, ch.planned, final, ""); len(errs) > 0 {
		failStable(c.t, "Provider produced inconsistent final plan", "when expanding the plan for %s to include new values learned so far during apply, "+
			"the provider produced an invalid new value: %s", addr, strings.Join(errs, "; "))
	}
	if action == actNoOp {
		return diags
	}
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: cfg.typeName, PriorState: c.dv(typ, prior),
		PlannedState: c.dv(typ, final), Config: c.dv(typ, cfg.value), PlannedPrivate: private, PlannedIdentity: c.identityData(cfg.typeName, id)})
	if err != nil {
		c.t.Fatalf("apply %s: %v", addr, err)
	}
	diags = append(diags, diagsOf(addr, "apply", resp.Diagnostics)...)
	v := c.value(typ, resp.NewState)
	newID := c.identityValue(cfg.typeName, resp.NewIdentity)
	if !hasError(resp.Diagnostics) {
		if !v.IsFullyKnown() {
			failStable(c.t, "Provider returned invalid result object after apply", "%s has unknown values in %s", addr, v)
		}
		if errs := assertObjectCompatible(block, final, v, ""); len(errs) > 0 {
			failStable(c.t, "Provider produced inconsistent result after apply", "when applying changes to %s, the provider produced an unexpected new value: %s",
				addr, strings.Join(errs, "; "))
		}
		if v.IsNull() {
			failStable(c.t, "Provider returned invalid result object after apply", "%s was planned to exist but the provider returned null", addr)
		}
		if priorID != nil && newID != nil && !priorID.Equal(*newID) {
			failStable(c.t, "Provider produced an unexpected new identity", "%s: %s, was %s", addr, *newID, *priorID)
		}
	}
	switch {
	case hasError(resp.Diagnostics) && v.IsNull():
		// Terraform keeps the prior object (none for a create).
	default:
		next := &tfObject{typeName: cfg.typeName, alias: cfg.alias, value: v, private: resp.Private, identity: newID}
		if next.identity == nil {
			next.identity = priorID
		}
		// A create that failed with an object is tainted: in an undefined
		// state, replaced at the next plan.
		next.tainted = hasError(resp.Diagnostics) && (action == actCreate || action == actReplace)
		c.state[addr] = next
	}
	return diags
}

// importResource is `terraform import ADDR ID` (or an import block with an
// identity): ImportResourceState, then ReadResource of what it returned.
func (c *tfCore) importResource(ctx context.Context, addr, id string, identity *tftypes.Value) []tfDiag {
	c.t.Helper()
	cfg := c.config[addr]
	if cfg == nil {
		c.t.Fatalf("import %s: no such resource in the configuration", addr)
	}
	if c.state[addr] != nil {
		c.t.Fatalf("import %s: resource already managed by Terraform", addr)
	}
	server := c.start(ctx, true)[cfg.alias]
	c.onCall("import " + addr)
	resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: cfg.typeName, ID: id, Identity: c.identityData(cfg.typeName, identity)})
	if err != nil {
		c.t.Fatalf("import %s: %v", addr, err)
	}
	diags := diagsOf(addr, "import", resp.Diagnostics)
	if hasError(resp.Diagnostics) {
		return diags
	}
	if len(resp.ImportedResources) != 1 {
		c.t.Fatalf("import %s: %d objects imported, want 1", addr, len(resp.ImportedResources))
	}
	imp := resp.ImportedResources[0]
	typ := c.typ(cfg.typeName)
	obj := &tfObject{typeName: cfg.typeName, alias: cfg.alias, value: c.value(typ, imp.State), private: imp.Private, identity: c.identityValue(cfg.typeName, imp.Identity)}
	obj = c.refresh(ctx, server, addr, obj, &diags)
	switch {
	case len(modelErrors(diags)) > 0:
		return diags
	case obj == nil:
		return append(diags, tfDiag{addr: addr, call: "import", Diagnostic: &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError,
			Summary: "Cannot import non-existent remote object"}})
	}
	c.state[addr] = obj
	return diags
}

// --- Terraform's value checks (objchange), on tftypes values -------------

// proposedNew is objchange.ProposedNew for the schemas of this provider
// (attributes of any type, single nested blocks): non-computed attributes
// take the configuration; computed ones take the configuration when it is
// set, else the prior value.
func proposedNew(b *tfprotov6.SchemaBlock, prior, config tftypes.Value) tftypes.Value {
	if config.IsNull() && prior.IsNull() {
		return prior
	}
	if config.IsNull() || !config.IsKnown() {
		return prior
	}
	var priorAttrs, cfgAttrs map[string]tftypes.Value
	_ = config.As(&cfgAttrs)
	if !prior.IsNull() {
		_ = prior.As(&priorAttrs)
	}
	out := map[string]tftypes.Value{}
	for _, a := range b.Attributes {
		cv := cfgAttrs[a.Name]
		pv, ok := priorAttrs[a.Name]
		if !ok {
			pv = tftypes.NewValue(a.Type, nil)
		}
		switch {
		case !a.Computed, cv.IsKnown() && !cv.IsNull():
			out[a.Name] = cv
		default:
			out[a.Name] = pv
		}
	}
	for _, nb := range b.BlockTypes {
		cv := cfgAttrs[nb.TypeName]
		if cv.IsNull() || nb.Nesting != tfprotov6.SchemaNestedBlockNestingModeSingle {
			out[nb.TypeName] = cv
			continue
		}
		pv, ok := priorAttrs[nb.TypeName]
		if !ok || pv.IsNull() {
			pv = tftypes.NewValue(cv.Type(), nil)
		}
		out[nb.TypeName] = proposedNew(nb.Block, pv, cv)
	}
	return tftypes.NewValue(config.Type(), out)
}

// assertPlanValid is objchange.AssertPlanValid: a planned value agrees with
// the configuration, or keeps the prior value, for every attribute the
// provider may not choose.
func assertPlanValid(b *tfprotov6.SchemaBlock, prior, config, planned tftypes.Value, at string) []string {
	switch {
	case planned.IsNull() && !config.IsNull():
		return []string{at + ": planned for absence but config wants existence"}
	case config.IsNull() && !planned.IsNull():
		return []string{at + ": planned for existence but config wants absence"}
	case planned.IsNull():
		return nil
	}
	var p, c, pl map[string]tftypes.Value
	_ = config.As(&c)
	_ = planned.As(&pl)
	if !prior.IsNull() {
		_ = prior.As(&p)
	}
	var errs []string
	for _, a := range b.Attributes {
		pv, ok := p[a.Name]
		if !ok {
			pv = tftypes.NewValue(a.Type, nil)
		}
		errs = append(errs, assertPlannedValueValid(a, pv, c[a.Name], pl[a.Name], at+"."+a.Name)...)
	}
	for _, nb := range b.BlockTypes {
		cv, plv := c[nb.TypeName], pl[nb.TypeName]
		if plv.Equal(cv) {
			continue
		}
		pv, ok := p[nb.TypeName]
		if !ok {
			pv = tftypes.NewValue(cv.Type(), nil)
		}
		errs = append(errs, assertPlanValid(nb.Block, pv, cv, plv, at+"."+nb.TypeName)...)
	}
	return errs
}

func assertPlannedValueValid(a *tfprotov6.SchemaAttribute, prior, config, planned tftypes.Value, at string) []string {
	switch {
	case planned.Equal(config):
		return nil
	case planned.Equal(prior) && !prior.IsNull() && !config.IsNull():
		return nil
	case a.Computed && !a.Optional:
		return nil
	case config.IsNull() && a.Computed:
		return nil
	case config.IsNull() && !planned.IsNull():
		return []string{fmt.Sprintf("%s: planned value %s for a non-computed attribute", at, planned)}
	case prior.IsNull():
		return []string{fmt.Sprintf("%s: planned value %s does not match config value %s", at, planned, config)}
	}
	return []string{fmt.Sprintf("%s: planned value %s does not match config value %s nor prior value %s", at, planned, config, prior)}
}

// assertObjectCompatible is objchange.AssertObjectCompatible: every value
// known in the plan is the same afterwards.
func assertObjectCompatible(b *tfprotov6.SchemaBlock, planned, actual tftypes.Value, at string) []string {
	switch {
	case planned.IsNull() && !actual.IsNull():
		return []string{at + ": was absent, but now present"}
	case actual.IsNull() && !planned.IsNull():
		return []string{at + ": was present, but now absent"}
	case planned.IsNull():
		return nil
	}
	var p, a map[string]tftypes.Value
	_ = planned.As(&p)
	_ = actual.As(&a)
	var errs []string
	for _, attr := range b.Attributes {
		errs = append(errs, assertValueCompatible(p[attr.Name], a[attr.Name], at+"."+attr.Name)...)
	}
	for _, nb := range b.BlockTypes {
		pv, av := p[nb.TypeName], a[nb.TypeName]
		if !pv.IsKnown() && av.IsNull() {
			continue
		}
		errs = append(errs, assertObjectCompatible(nb.Block, pv, av, at+"."+nb.TypeName)...)
	}
	return errs
}

func assertValueCompatible(planned, actual tftypes.Value, at string) []string {
	switch {
	case !planned.IsKnown():
		return nil
	case actual.IsNull() && planned.IsNull():
		return nil
	case actual.IsNull():
		return []string{fmt.Sprintf("%s: was %s, but now null", at, planned)}
	case planned.IsNull():
		return []string{fmt.Sprintf("%s: was null, but now %s", at, actual)}
	case !actual.IsKnown():
		return []string{at + ": was known, but now unknown"}
	}
	typ := planned.Type()
	switch {
	case typ.Is(tftypes.List{}) || typ.Is(tftypes.Tuple{}):
		var p, a []tftypes.Value
		_ = planned.As(&p)
		_ = actual.As(&a)
		var errs []string
		for i := range p {
			if i >= len(a) {
				errs = append(errs, fmt.Sprintf("%s: element %d has vanished", at, i))
				continue
			}
			errs = append(errs, assertValueCompatible(p[i], a[i], fmt.Sprintf("%s[%d]", at, i))...)
		}
		for i := len(p); i < len(a); i++ {
			errs = append(errs, fmt.Sprintf("%s: new element %d has appeared", at, i))
		}
		return errs
	case typ.Is(tftypes.Map{}) || typ.Is(tftypes.Object{}):
		var p, a map[string]tftypes.Value
		_ = planned.As(&p)
		_ = actual.As(&a)
		var errs []string
		for _, k := range sortedKeys(p) {
			av, ok := a[k]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: element %q has vanished", at, k))
				continue
			}
			errs = append(errs, assertValueCompatible(p[k], av, fmt.Sprintf("%s[%q]", at, k))...)
		}
		for _, k := range sortedKeys(a) {
			if _, ok := p[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s: new element %q has appeared", at, k))
			}
		}
		return errs
	}
	if !planned.Equal(actual) {
		return []string{fmt.Sprintf("%s: was %s, but now %s", at, planned, actual)}
	}
	return nil
}

// changed reports whether the value at a path differs between two objects
// (a path valid in only one of them counts as a change, as in Terraform).
func changed(prior, planned tftypes.Value, path *tftypes.AttributePath) bool {
	pv, _, perr := tftypes.WalkAttributePath(prior, path)
	nv, _, nerr := tftypes.WalkAttributePath(planned, path)
	if perr != nil || nerr != nil {
		return perr == nil || nerr == nil
	}
	a, aok := pv.(tftypes.Value)
	b, bok := nv.(tftypes.Value)
	return !aok || !bok || !a.IsFullyKnown() || !b.IsFullyKnown() || !a.Equal(b)
}

// rootName names the attribute a path starts at.
func rootName(path *tftypes.AttributePath) string {
	if steps := path.Steps(); len(steps) > 0 {
		if name, ok := steps[0].(tftypes.AttributeName); ok {
			return string(name)
		}
	}
	return path.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
