package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Revokes whose outcome is unknown (issue 19, defect 4): a DELETE that
// Polar answers after request_timeout may land at any time, so no second
// DELETE of the seat is sent while it may, and nothing is decided that its
// landing later would make wrong. The DELETE is held on a channel until the
// test lets it land (or loses it): no real sleep orders anything. Their
// providers poll fast and settle late (fastRevokePolls, each provider's own
// timing), and the tests run in parallel: the operation budgets they wait
// out are generous (3 s, a request 1 s) so that a busy machine does not end
// one before its first DELETE is sent.

// revokeHold is Polar with the next DELETE held until the test decides.
type revokeHold struct {
	emu      *emulator.Server
	holdNext atomic.Bool
	held     chan *heldRevoke
	deletes  atomic.Int32 // every DELETE that arrived

	mu      sync.Mutex
	waiters []chan struct{} // closed by the provider's next look or DELETE
	all     []*heldRevoke
}

// heldRevoke is a DELETE on hold.
type heldRevoke struct {
	seatID string
	gone   <-chan struct{} // the client gave up waiting for the answer
	land   chan bool       // true: Polar carries it out; false: it is lost
	done   chan struct{}   // closed once the decision took effect
}

func newRevokeHold(t *testing.T, seats int) (*revokeHold, string) {
	t.Helper()
	emu, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.SetSeats("subscription", emulator.DemoSubscriptionID, seats); err != nil {
		t.Fatal(err)
	}
	h := &revokeHold{emu: emu, held: make(chan *heldRevoke, 1)}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	// Before the server closes (which waits for its handlers): a DELETE
	// still on hold when a test fails is lost.
	t.Cleanup(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, hr := range h.all {
			select {
			case hr.land <- false:
			default:
			}
		}
	})
	return h, ts.URL
}

func (h *revokeHold) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodDelete:
		h.deletes.Add(1)
		if !h.holdNext.Swap(false) {
			h.emu.ServeHTTP(w, r)
			h.wake()
			return
		}
		hr := &heldRevoke{seatID: path.Base(r.URL.Path), gone: r.Context().Done(), land: make(chan bool, 1), done: make(chan struct{})}
		h.mu.Lock()
		h.all = append(h.all, hr)
		h.mu.Unlock()
		h.held <- hr
		land := <-hr.land
		if land {
			// Polar carries it out whether or not anyone still waits.
			rec := httptest.NewRecorder()
			h.emu.ServeHTTP(rec, r.WithContext(context.Background()))
		}
		close(hr.done)
		panic(http.ErrAbortHandler) // no answer either way
	case http.MethodGet:
		h.mu.Lock()
		waiters := h.waiters
		h.waiters = nil
		h.mu.Unlock()
		h.emu.ServeHTTP(w, r)
		for _, c := range waiters {
			close(c)
		}
	default:
		h.emu.ServeHTTP(w, r)
	}
}

// wake closes every waiter of nextMove.
func (h *revokeHold) wake() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.waiters {
		close(c)
	}
	h.waiters = nil
}

// nextMove is closed once the provider has been answered a list that
// started after this call, or has sent another DELETE (what a provider that
// does not wait does).
func (h *revokeHold) nextMove() <-chan struct{} {
	c := make(chan struct{})
	h.mu.Lock()
	h.waiters = append(h.waiters, c)
	h.mu.Unlock()
	return c
}

// awaitHeld returns the DELETE on hold.
func (h *revokeHold) awaitHeld(t *testing.T) *heldRevoke {
	t.Helper()
	select {
	case hr := <-h.held:
		return hr
	case <-time.After(30 * time.Second):
		t.Fatal("no revoke was sent")
		return nil
	}
}

// decide lets the held DELETE land, or loses it, and waits until it has.
func (hr *heldRevoke) decide(t *testing.T, land bool) {
	t.Helper()
	hr.land <- land
	await(t, hr.done, "the held revoke to land")
}

// await waits for c; the limit only turns a hang into a failure.
func await(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// fastRevokePolls is the write timing with a short poll pace and the given
// settle window, for the providers of one test (the package's timing stays
// as it is, so that the tests run in parallel).
func fastRevokePolls(window time.Duration) writeTiming {
	return writeTiming{settleWindow: window, pollInterval: 5 * time.Millisecond, pollMax: 20 * time.Millisecond, assignStep: assignRetryStep}
}

// newProtoEnvTimeout is newProtoEnv with a request_timeout, its provider
// writing with the given timing.
func newProtoEnvTimeout(t *testing.T, url, requestTimeout string, timing writeTiming) *protoEnv {
	t.Helper()
	p := newUnconfiguredProtoEnvOf(t, &polarProvider{version: "test", timing: &timing})
	return p.configured(map[string]tftypes.Value{
		"server_url":      tftypes.NewValue(tftypes.String, url),
		"access_token":    tftypes.NewValue(tftypes.String, emulator.DemoToken),
		"request_timeout": tftypes.NewValue(tftypes.String, requestTimeout),
	})
}

// applied is one resource's state and private state after an apply.
type applied struct {
	state   *tfprotov6.DynamicValue
	private []byte
}

// plan plans a change from prior to cfg (null: destroy) the way Terraform
// does, and returns what applies it.
func (p *protoEnv) planThenApply(typeName string, prior applied, cfg tftypes.Value) func() *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	ctx := context.Background()
	typ := p.resourceType(typeName)
	proposed := cfg
	if !cfg.IsNull() {
		proposed = p.proposed(typeName, p.attrs(typ, prior.state), cfg)
	}
	config := p.dynamic(typ, cfg)
	plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName, PriorState: prior.state,
		ProposedNewState: p.dynamic(typ, proposed), Config: config, PriorPrivate: prior.private})
	if err != nil || hasError(plan.Diagnostics) {
		p.t.Fatalf("plan: %v %s", err, diagText(plan.Diagnostics))
	}
	return func() *tfprotov6.ApplyResourceChangeResponse {
		resp, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName, PriorState: prior.state,
			PlannedState: plan.PlannedState, Config: config, PlannedPrivate: plan.PlannedPrivate})
		if err != nil {
			p.t.Error(err)
		}
		return resp
	}
}

// planApply plans and applies a change.
func (p *protoEnv) planApply(typeName string, prior applied, cfg tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	return p.planThenApply(typeName, prior, cfg)()
}

// proposed is Terraform's proposed new state: the configuration, with the
// prior state's value for each computed attribute the configuration leaves
// null.
func (p *protoEnv) proposed(typeName string, prior map[string]tftypes.Value, cfg tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	if err := cfg.As(&vals); err != nil {
		p.t.Fatal(err)
	}
	for _, a := range p.schema.ResourceSchemas[typeName].Block.Attributes {
		if a.Computed && vals[a.Name].IsNull() {
			vals[a.Name] = prior[a.Name]
		}
	}
	return tftypes.NewValue(cfg.Type(), vals)
}

// goApply runs apply in the background (it blocks while a revoke is held).
func goApply(apply func() *tfprotov6.ApplyResourceChangeResponse) <-chan *tfprotov6.ApplyResourceChangeResponse {
	c := make(chan *tfprotov6.ApplyResourceChangeResponse, 1)
	go func() { c <- apply() }()
	return c
}

func awaitApply(t *testing.T, c <-chan *tfprotov6.ApplyResourceChangeResponse) *tfprotov6.ApplyResourceChangeResponse {
	t.Helper()
	select {
	case resp := <-c:
		return resp
	case <-time.After(60 * time.Second):
		t.Fatal("the apply did not end")
		return nil
	}
}

// team is an assignments configuration of the demo subscription with an
// update timeout ("": none).
func (p *protoEnv) team(update string, emails ...string) tftypes.Value {
	typ := p.resourceType("polar_customer_seat_assignments").(tftypes.Object) //nolint:forcetypeassert // schemas are objects
	list := make([]tftypes.Value, len(emails))
	for i, e := range emails {
		list[i] = tftypes.NewValue(tftypes.String, e)
	}
	set := map[string]tftypes.Value{
		"subscription_id": tftypes.NewValue(tftypes.String, emulator.DemoSubscriptionID),
		"emails":          tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, list),
	}
	if update != "" {
		tt := typ.AttributeTypes["timeouts"]
		set["timeouts"] = p.value(tt, map[string]tftypes.Value{"update": tftypes.NewValue(tftypes.String, update)})
	}
	return p.value(typ, set)
}

// teamSeats reads the seats map of an assignments state: email → seat id.
func (p *protoEnv) teamSeats(state *tfprotov6.DynamicValue) map[string]string {
	p.t.Helper()
	out := map[string]string{}
	seats := map[string]tftypes.Value{}
	if err := p.attrs(p.resourceType("polar_customer_seat_assignments"), state)["seats"].As(&seats); err != nil {
		p.t.Fatal(err)
	}
	for email, v := range seats {
		entry := map[string]tftypes.Value{}
		if err := v.As(&entry); err != nil {
			p.t.Fatal(err)
		}
		out[email] = stringOf(entry["id"])
	}
	return out
}

// unansweredIn reads the unanswered revokes a private state records.
func unansweredIn(t *testing.T, private []byte) unansweredRevokes {
	t.Helper()
	if len(private) == 0 {
		return nil
	}
	var keys map[string][]byte // the framework's encoding: key → JSON
	if err := json.Unmarshal(private, &keys); err != nil {
		t.Fatalf("private state %s: %v", private, err)
	}
	var u unansweredRevokes
	if b := keys[privateUnansweredRevokes]; len(b) > 0 {
		if err := json.Unmarshal(b, &u); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// seatOf is the seat a list of the demo subscription shows for id.
func (h *revokeHold) seatOf(t *testing.T, url, id string) polar.CustomerSeat {
	t.Helper()
	client, _ := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	list, err := client.ListSeats(context.Background(), polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := list.Find(id)
	return s
}

// holdsActive checks that Polar's seat id is active and held by email.
func (h *revokeHold) holdsActive(t *testing.T, url, id, email string) {
	t.Helper()
	if s := h.seatOf(t, url, id); !s.Status.Active() || !strings.EqualFold(derefStr(s.Email), email) {
		t.Fatalf("seat %s is %s for %s, want active for %s", id, s.Status, derefStr(s.Email), email)
	}
}

// diagText joins the diagnostics' summaries and details.
const teamType = "polar_customer_seat_assignments"

// revokeCase is the case: [alice, bob] assigned on a two-seat
// subscription, then [bob, dave] planned with alice's DELETE held.
type revokeCase struct {
	t     *testing.T
	h     *revokeHold
	url   string
	p     *protoEnv
	alice string // alice's seat
	// held is alice's DELETE, on hold; done ends with the update's apply.
	held *heldRevoke
	done <-chan *tfprotov6.ApplyResourceChangeResponse
	// timing is the write timing of the providers fresh starts.
	timing writeTiming
}

// startRevokeCase assigns [alice, bob], then starts applying [bob, dave]
// (with the update timeout, "" for the default) and returns once alice's
// DELETE is on hold.
func startRevokeCase(t *testing.T, update string) *revokeCase {
	t.Helper()
	c := &revokeCase{t: t, timing: fastRevokePolls(time.Hour)}
	c.h, c.url = newRevokeHold(t, 2)
	c.p = c.fresh()
	created := c.p.create(context.Background(), teamType, c.p.team(update, "alice@acme.io", "bob@acme.io"))
	if hasError(created.Diagnostics) {
		t.Fatal(diagText(created.Diagnostics))
	}
	c.alice = c.p.teamSeats(created.NewState)["alice@acme.io"]
	c.h.holdNext.Store(true)
	c.done = goApply(c.fresh().planThenApply(teamType, applied{created.NewState, created.Private}, c.p.team(update, "bob@acme.io", "dave@acme.io")))
	c.held = c.h.awaitHeld(t)
	return c
}

// fresh is a provider process: each Terraform command starts its own.
func (c *revokeCase) fresh() *protoEnv { return newProtoEnvTimeout(c.t, c.url, "1s", c.timing) }

// failed waits for the update, which must fail once its time ran out with
// the DELETE on hold, keeping alice's seat.
func (c *revokeCase) failed() applied {
	c.t.Helper()
	resp := awaitApply(c.t, c.done)
	msg := diagText(resp.Diagnostics)
	if !hasError(resp.Diagnostics) || !strings.Contains(msg, "revoke of seat "+c.alice) || !strings.Contains(msg, "was sent and not answered") ||
		!strings.Contains(msg, "Polar may still carry the revoke out, so the seat is kept in state") {
		c.t.Fatalf("diagnostics do not say what is known:\n%s", msg)
	}
	if seats := c.p.teamSeats(resp.NewState); seats["alice@acme.io"] != c.alice || seats["dave@acme.io"] != "" {
		c.t.Fatalf("state after the failed apply: %v (alice's seat must stay, dave must not be assigned)", seats)
	}
	if u := unansweredIn(c.t, resp.Private); u[c.alice].IsZero() || len(u) != 1 {
		c.t.Fatalf("private state records %v, want alice's seat %s", u, c.alice)
	}
	return applied{resp.NewState, resp.Private}
}

// succeeded checks an apply of [bob, dave] that ended well: dave holds a
// seat, nothing is left to settle, and Polar got want DELETEs in all.
func (c *revokeCase) succeeded(resp *tfprotov6.ApplyResourceChangeResponse, want int32) {
	c.t.Helper()
	if n := c.h.deletes.Load(); n != want {
		c.t.Fatalf("%d DELETEs, want %d", n, want)
	}
	if hasError(resp.Diagnostics) {
		c.t.Fatalf("apply: %s", diagText(resp.Diagnostics))
	}
	seats := c.p.teamSeats(resp.NewState)
	if len(seats) != 2 {
		c.t.Fatalf("seats %v", seats)
	}
	c.h.holdsActive(c.t, c.url, seats["dave@acme.io"], "dave@acme.io")
	c.h.holdsActive(c.t, c.url, seats["bob@acme.io"], "bob@acme.io")
	if u := unansweredIn(c.t, resp.Private); len(u) != 0 {
		c.t.Fatalf("private state still records %v", u)
	}
}

// The scenario: [alice, bob] → [bob, dave] on a full subscription,
// alice's DELETE answered only after request_timeout. Before, the provider
// listed, saw alice's seat still active, revoked it again, gave dave the
// freed row, and the first DELETE then landed on dave. Now it looks at the
// row until the first DELETE lands (one DELETE), then assigns dave, who
// keeps the seat.
func TestSeatWriter_unansweredRevoke_landsWithinTheBudget(t *testing.T) {
	t.Parallel()
	c := startRevokeCase(t, "")
	// The provider gives up on the answer and looks at the row; only then
	// does the DELETE land. (Nothing lists while the DELETE is on its way.)
	move := c.h.nextMove()
	await(t, c.held.gone, "the client to give up on the revoke")
	await(t, move, "a look after the revoke went unanswered")
	c.held.decide(t, true)
	c.succeeded(awaitApply(t, c.done), 1)
}

// When the operation's time runs out before the unanswered DELETE lands,
// the apply fails saying what is known, state keeps alice's seat, dave is
// not assigned, and private state records the revoke. The next apply
// (within the settle window) sends no new DELETE: it looks until the first
// one lands, then assigns dave.
func TestSeatWriter_unansweredRevoke_budgetEndsThenTheNextApplyWaits(t *testing.T) {
	t.Parallel()
	c := startRevokeCase(t, "3s")
	failed := c.failed()
	apply := c.fresh().planThenApply(teamType, failed, c.p.team("30s", "bob@acme.io", "dave@acme.io"))
	move := c.h.nextMove()
	next := goApply(apply)
	await(t, move, "the next apply to look at the seat")
	c.held.decide(t, true)
	c.succeeded(awaitApply(t, next), 1)
}

// A refresh after the unanswered DELETE landed removes the seat from state
// without calling it drift, and forgets the revoke; the plan then only
// assigns dave.
func TestSeatWriter_unansweredRevoke_refreshAfterItLanded(t *testing.T) {
	t.Parallel()
	c := startRevokeCase(t, "3s")
	failed := c.failed()
	c.held.decide(t, true) // lands after the apply gave up
	read, err := c.fresh().server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: teamType,
		CurrentState: failed.state, Private: failed.private})
	if err != nil || hasError(read.Diagnostics) {
		t.Fatalf("refresh: %v %s", err, diagText(read.Diagnostics))
	}
	msg := diagText(read.Diagnostics)
	if !strings.Contains(msg, "earlier revokes in the subscription") || strings.Contains(msg, "no longer hold their seats") {
		t.Fatalf("refresh diagnostics:\n%s", msg)
	}
	if seats := c.p.teamSeats(read.NewState); len(seats) != 1 || seats["bob@acme.io"] == "" {
		t.Fatalf("seats after refresh %v, want bob's only", seats)
	}
	if u := unansweredIn(t, read.Private); len(u) != 0 {
		t.Fatalf("private state still records %v", u)
	}
	c.succeeded(c.fresh().planApply(teamType, applied{read.NewState, read.Private}, c.p.team("30s", "bob@acme.io", "dave@acme.io")), 1)
}

// A revoke that was lost (it never lands) is sent again once the settle
// window has passed, and the apply succeeds.
func TestSeatWriter_unansweredRevoke_sentAgainAfterTheSettleWindow(t *testing.T) {
	t.Parallel()
	c := startRevokeCase(t, "3s")
	failed := c.failed()
	c.held.decide(t, false)   // lost: Polar never carries it out
	c.timing.settleWindow = 0 // the window has passed
	c.succeeded(c.fresh().planApply(teamType, failed, c.p.team("30s", "bob@acme.io", "dave@acme.io")), 2)
	if s := c.h.seatOf(t, c.url, c.alice); s.Status.Active() && strings.EqualFold(derefStr(s.Email), "alice@acme.io") {
		t.Fatalf("alice still holds seat %s", c.alice)
	}
}

// polar_customer_seat carries the record too: a destroy whose DELETE went
// unanswered fails, keeps the seat in state and records the revoke; the
// next destroy waits for it instead of revoking again.
func TestSeatWriter_unansweredRevoke_singleSeatDestroy(t *testing.T) {
	t.Parallel()
	h, url := newRevokeHold(t, 1)
	// Each Terraform command starts a provider process of its own.
	fresh := func() *protoEnv { return newProtoEnvTimeout(t, url, "1s", fastRevokePolls(time.Hour)) }
	p := fresh()
	typ := p.resourceType("polar_customer_seat").(tftypes.Object) //nolint:forcetypeassert // schemas are objects
	cfg := p.value(typ, map[string]tftypes.Value{
		"subscription_id": tftypes.NewValue(tftypes.String, emulator.DemoSubscriptionID),
		"email":           tftypes.NewValue(tftypes.String, "alice@acme.io"),
		"timeouts":        p.value(typ.AttributeTypes["timeouts"], map[string]tftypes.Value{"delete": tftypes.NewValue(tftypes.String, "3s")}),
	})
	created := p.create(context.Background(), "polar_customer_seat", cfg)
	if hasError(created.Diagnostics) {
		t.Fatal(diagText(created.Diagnostics))
	}
	id := stringOf(p.attrs(typ, created.NewState)["id"])
	null := tftypes.NewValue(typ, nil)

	h.holdNext.Store(true)
	done := goApply(fresh().planThenApply("polar_customer_seat", applied{created.NewState, created.Private}, null))
	held := h.awaitHeld(t)
	failed := awaitApply(t, done)
	if msg := diagText(failed.Diagnostics); !hasError(failed.Diagnostics) || !strings.Contains(msg, "was sent and not answered") {
		t.Fatalf("destroy diagnostics:\n%s", msg)
	}
	if got := stringOf(p.attrs(typ, failed.NewState)["id"]); got != id {
		t.Fatalf("state after the failed destroy has seat %q, want %s", got, id)
	}
	if u := unansweredIn(t, failed.Private); u[id].IsZero() {
		t.Fatalf("private state records %v, want seat %s", u, id)
	}

	apply := fresh().planThenApply("polar_customer_seat", applied{failed.NewState, failed.Private}, null)
	move := h.nextMove()
	next := goApply(apply)
	await(t, move, "the next destroy to look at the seat")
	held.decide(t, true)
	if resp := awaitApply(t, next); hasError(resp.Diagnostics) {
		t.Fatalf("destroy: %s", diagText(resp.Diagnostics))
	}
	if n := h.deletes.Load(); n != 1 {
		t.Fatalf("%d DELETEs, want 1", n)
	}
	if s := h.seatOf(t, url, id); s.Status != polar.SeatStatusRevoked {
		t.Fatalf("seat %s is %s", id, s.Status)
	}
}
