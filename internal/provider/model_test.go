package provider

// The model-based test of polar_customer_seat_assignments and
// polar_customer_seat: the specification of how the two resources behave
// over any history. A rapid state machine draws sequences of the operations
// below, drives the provider through the mini Terraform core
// (model_terraform_test.go) against the emulator behind the model's proxy
// (model_proxy_test.go), and checks the invariants after every step against
// the emulator's truth and the model's own record. A failure prints rapid's
// shrunk sequence and the story of its steps.
//
// The world: one member-model organization; five people, each a member of
// the billing customer with a Polar member id, an external id and an email
// (written in three spellings); two subscriptions, A (2–6 seats) and B (5).
//
// Operations — configuration edits (nothing runs until the next apply):
//   - AddRecipient: a person joins an assignments resource (team_a, team_b,
//     created on first use) or gets a polar_customer_seat of their own, named
//     by email (any spelling), member id or external member id; now and then
//     someone already configured elsewhere (a fight).
//   - RemoveRecipient: a person leaves a resource (a seat resource goes).
//   - ChangeForm: the same person under another form or email spelling.
//   - MovePerson: a person leaves one resource and joins another on the same
//     subscription, in one edit (assignments ↔ assignments ↔ seat).
//   - ToggleExclusive, SetMetadata, ToggleImmediateClaim.
//   - ToggleEmailMap: an assignments resource's emails move between `emails`
//     and `email_recipients` (whose entries carry metadata of their own
//     when the resource has metadata); later edits keep the chosen shape.
//   - RemoveResource: an assignments resource leaves the configuration
//     (destroyed by the next apply).
//   - ChangeContainer: a resource moves to the other subscription
//     (a replacement).
//   - DuplicatePerson: one person twice in one resource, in two forms (a
//     fight within one resource).
//
// Operations — Terraform:
//   - Apply: validate, plan (refresh + plan) and apply, each in new provider
//     processes, sometimes with a hazard: a 503 or a lost answer
//     (drop_after_commit) on one POST or DELETE, a request held until some
//     later requests have landed or the apply has ended (with a 150ms
//     request_timeout, so the provider gives up on it and it lands later),
//     an interrupt (Ctrl-C) while a write is on its way, a list that fails
//     at plan. After a refused plan, a failed or an interrupted apply the
//     user does what the diagnostics say (untaint, import, buy seats) or
//     undoes the edit, and applies again until it succeeds.
//   - RefreshOnly: `terraform apply -refresh-only`.
//   - Import: a configured resource not in state is imported: a container,
//     by ID or identity; a seat, by seat id, email (any spelling) or
//     identity.
//   - Forget: a `removed { destroy = false }` block: the resource leaves
//     configuration and state, its seats stay.
//   - StateRm: `terraform state rm`: the resource leaves the state only (the
//     next apply creates it again, over seats that exist).
//   - Destroy: `terraform destroy`.
//
// Operations — the world (outside Terraform):
//   - WorldAssign, WorldRevoke, WorldClaim (a pending seat accepted),
//     WorldReuse (a seat revoked and its row given to someone else),
//     WorldReissue (a seat revoked and its person assigned again: a
//     polar_customer_seat follows them to the row Polar picks),
//     WorldSeats (the subscription's seat count changes, below the seats in
//     use too).
//
// Invariants, checked after every step:
//  0. Terraform's own checks (model_terraform_test.go): a planned value
//     agrees with the configuration or the prior state; the final plan
//     keeps every value the first one knew; the new state keeps every value
//     the final plan knew and has no unknowns; identities do not change (a
//     seat's may follow it to a reissued seat: it names the seat's id).
//  1. A person configured in a resource whose seat state records keeps that
//     seat through the apply — whatever form or resource names them now —
//     unless the plan replaces their polar_customer_seat for a change of
//     its own (metadata, immediate_claim, subscription).
//  2. Every DELETE the provider sends is a removal shown in that step's
//     plan, and it revokes the person the plan showed holding that seat
//     (a revoke that lands late must not revoke the row's next holder); a
//     seat the resource does not manage (assigned outside Terraform, or by
//     another resource) is never revoked, except by a resource that is
//     exclusive in state and configuration (or an exclusive one being
//     destroyed). Every seat the provider assigns goes to a person its
//     resource configures. Validate, refresh, plan and import write nothing.
//  3. After a successful apply every configured person holds exactly one
//     active seat of their subscription, the seats state records are
//     Polar's (id, holder, status), and the next plan is empty — except the
//     removals an exclusive resource shows for seats it found.
//  4. Nobody holds two active seats of one subscription.
//  5. After a failed or interrupted apply every seat the provider assigned
//     is in state (no orphans); the next applies converge.
//
// A plan may refuse a fight (an exclusive resource sharing its subscription,
// one person in two resources or twice in one, a tainted resource's
// replacement, a create over seats assigned outside Terraform, a move with
// the recipe that works); each refusal is counted by kind and logged. A
// fight a plan lets through fails the test, and so does any other refusal
// (an ordinary edit refused).

import (
	"context"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"pgregory.net/rapid"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Flags to narrow the model down while a defect is being fixed (or to find
// the others): -model.skip leaves out actions and hazards, -model.forms the
// recipient forms drawn.
var (
	modelSkip = flag.String("model.skip", "", "model test: comma-separated actions or hazards to leave out "+
		"(e.g. ChangeForm,MovePerson,hold,holdDELETE,interrupt,fault,faultPOST,planfault,second for the second provider configuration)")
	modelForms   = flag.String("model.forms", "email,member_id,external_member_id", "model test: the recipient forms drawn")
	modelFailLog = flag.String("model.faillog", "", "model test: a file to append the story of every failing sequence to (also those rapid cannot reproduce)")
)

// skipped reports whether -model.skip names an action or hazard.
func skipped(name string) bool {
	for _, s := range strings.Split(*modelSkip, ",") {
		if name != "" && strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}

// modelDefaultChecks is how many sequences `go test` runs when
// -rapid.checks is not given: what fits the 30-second budget (with the race
// detector, beside the acceptance tests). modelDefaultSeed makes them the
// same sequences on every run unless -rapid.seed is given (`make soak`
// draws one and prints it).
const (
	modelDefaultChecks = 12
	modelDefaultSeed   = 19
)

func TestModel(t *testing.T) {
	t.Parallel() // its own emulator; alongside the tests that wait on Terraform processes
	for name, value := range map[string]int{"rapid.checks": modelDefaultChecks, "rapid.seed": modelDefaultSeed} {
		if !flagGiven(name) {
			restore := flag.Lookup(name).Value.String()
			_ = flag.Set(name, fmt.Sprint(value))
			defer func() { _ = flag.Set(name, restore) }()
		}
	}
	stats := &modelStats{refusals: map[string]int{}, actions: map[string]int{}}
	rapid.Check(t, func(rt *rapid.T) {
		m := newModelMachine(rt, stats, rapid.IntRange(2, 6).Draw(rt, "seats of subscription A"))
		m.core.perm = func(label string, n int) []int {
			return rapid.Permutation(identityPerm(n)).Draw(rt, label)
		}
		rt.Repeat(m.actions())
	})
	stats.log(t)
}

func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// modelStats counts, over every sequence, the actions run and each kind of
// refusal: "refuses every fight" must not become "refuses ordinary edits".
type modelStats struct {
	mu       sync.Mutex
	refusals map[string]int
	actions  map[string]int
}

func (s *modelStats) count(m map[string]int, k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m[k]++
}

func (s *modelStats) log(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	for k, n := range s.actions {
		lines = append(lines, fmt.Sprintf("  action %-22s %5d", k, n))
	}
	for k, n := range s.refusals {
		lines = append(lines, fmt.Sprintf("  plan %-70s %5d", k, n))
	}
	sort.Strings(lines)
	t.Logf("model test: actions run and plans refused, over every sequence:\n%s", strings.Join(lines, "\n"))
}

// --- the world ----------------------------------------------------------

const (
	modelSubA        = emulator.DemoSubscriptionID
	modelSubB        = "4f8e2d1c-3b5a-4c7e-9d0f-1a2b3c4d5e6f"
	assignmentsType  = "polar_customer_seat_assignments"
	seatType         = "polar_customer_seat"
	modelSecondAlias = "second"
)

// modelPerson is a member of the billing customer, nameable three ways.
type modelPerson struct{ name, memberID, extID string }

var modelPeople = []modelPerson{
	{"alice", "a11ce000-0000-4000-8000-000000000001", "emp_alice"},
	{"bob", "b0b00000-0000-4000-8000-000000000002", "emp_bob"},
	{"carol", "ca201000-0000-4000-8000-000000000003", "emp_carol"},
	{"dave", "da7e0000-0000-4000-8000-000000000004", "emp_dave"},
	{"erin", "e2140000-0000-4000-8000-000000000005", "emp_erin"},
}

// email spells the person's address one of three ways Polar stores as one.
func (p modelPerson) email(spelling int) string {
	switch spelling {
	case 1:
		return strings.ToUpper(p.name[:1]) + p.name[1:] + "@ACME.io"
	case 2:
		return strings.ToUpper(p.name) + "@acme.IO"
	}
	return p.name + "@acme.io"
}

// Recipient forms, and their attributes in each resource.
const (
	formEmail = iota
	formMember
	formExternal
)

var (
	listAttrs = []string{"emails", "member_ids", "external_member_ids"}
	seatAttrs = []string{"email", "member_id", "external_member_id"}
)

func modelFixture(seatsA int) *emulator.Fixture {
	f := emulator.DemoFixture()
	o := &f.Organizations[0]
	o.MemberModelEnabled = true
	for _, p := range modelPeople {
		ext := p.extID
		o.Members = append(o.Members, emulator.FixtureMember{ID: p.memberID, CustomerID: emulator.DemoCustomerID, Email: p.email(0), ExternalID: &ext, Role: "member"})
	}
	seatsB := 5
	product := emulator.DemoProductID
	o.Subscriptions[0].Seats = &seatsA
	o.Subscriptions = append(o.Subscriptions, emulator.FixtureSubscription{ID: modelSubB, ProductID: &product, CustomerID: emulator.DemoCustomerID, Seats: &seatsB})
	return f
}

// --- the configuration the user writes -----------------------------------

// mRecipient is one person named one way.
type mRecipient struct{ person, form, spelling int }

func (r mRecipient) value() string {
	p := modelPeople[r.person]
	switch r.form {
	case formMember:
		return p.memberID
	case formExternal:
		return p.extID
	}
	return p.email(r.spelling)
}

func (r mRecipient) String() string { return seatAttrs[r.form] + "=" + r.value() }

// mResource is one resource block.
type mResource struct {
	addr       string
	seat       bool // polar_customer_seat; else polar_customer_seat_assignments
	container  string
	alias      string
	recipients []mRecipient // a seat resource has one
	exclusive  bool
	immediate  bool
	metadata   string // the value of metadata.team; "" for no metadata
	// emailMap: an assignments resource names its people by email in
	// email_recipients (each with metadata of its own when metadata is
	// set), not in emails.
	emailMap bool
}

func (r *mResource) clone() *mResource {
	c := *r
	c.recipients = slices.Clone(r.recipients)
	return &c
}

// oneMapEntry tells whether two recipients are one entry of
// email_recipients: one email in one spelling, one key of a map (Terraform
// keeps the last of a repeated key; render builds the map the same way).
func (r *mResource) oneMapEntry(a, b mRecipient) bool {
	return r.emailMap && a.form == formEmail && b.form == formEmail && a.value() == b.value()
}

// index is where a person is among the recipients, or -1.
func (r *mResource) index(person int) int {
	for i, rc := range r.recipients {
		if rc.person == person {
			return i
		}
	}
	return -1
}

func (r *mResource) String() string {
	var rs []string
	for _, rc := range r.recipients {
		rs = append(rs, rc.String())
	}
	s := fmt.Sprintf("%s{sub %s, [%s]", r.addr, subName(r.container), strings.Join(rs, ", "))
	if r.exclusive {
		s += ", exclusive"
	}
	if r.immediate {
		s += ", immediate_claim"
	}
	if r.metadata != "" {
		s += ", metadata team=" + r.metadata
	}
	if r.emailMap {
		s += ", emails as email_recipients"
	}
	if r.alias != "" {
		s += ", provider polar." + r.alias
	}
	return s + "}"
}

func subName(id string) string {
	if id == modelSubB {
		return "B"
	}
	return "A"
}

// mConfig is the configuration: resource blocks by address.
type mConfig map[string]*mResource

func (c mConfig) clone() mConfig {
	out := mConfig{}
	for k, r := range c {
		out[k] = r.clone()
	}
	return out
}

func (c mConfig) String() string {
	var rs []string
	for _, addr := range sortedKeys(c) {
		rs = append(rs, c[addr].String())
	}
	return "[" + strings.Join(rs, " ") + "]"
}

// resourcesOf are the resources that configure a person in a container.
func (c mConfig) resourcesOf(container string, person int) []string {
	var out []string
	for _, addr := range sortedKeys(c) {
		if r := c[addr]; r.container == container && r.index(person) >= 0 {
			out = append(out, addr)
		}
	}
	return out
}

// mFight is what makes two resources (or one) fight over seats: an
// exclusive resource sharing its container, one person in two resources,
// or one person twice in one resource (not one email in one spelling twice
// in email_recipients: that is one map entry, oneMapEntry).
type mFight struct {
	text      string
	container string
	// person is the person named twice (-1: an exclusive resource shares
	// its container); forms tells whether they are named in two forms.
	person int
	forms  bool
}

func (f mFight) String() string { return f.text }

// kind is the fight without its names, for counting.
func (f mFight) kind() string {
	switch {
	case f.person < 0:
		return "an exclusive resource shares its subscription"
	case strings.Contains(f.text, "twice"):
		return "one person twice in one resource"
	}
	return "one person in two resources"
}

func (c mConfig) fights() []mFight {
	var out []mFight
	addrs := sortedKeys(c)
	for i, a := range addrs {
		ra := c[a]
		seen := map[int]mRecipient{}
		for _, rc := range ra.recipients {
			if was, ok := seen[rc.person]; ok && ra.oneMapEntry(was, rc) {
				continue
			} else if ok {
				out = append(out, mFight{fmt.Sprintf("%s names %s twice", a, modelPeople[rc.person].name), ra.container, rc.person, was.form != rc.form})
			}
			seen[rc.person] = rc
		}
		for _, b := range addrs[i+1:] {
			rb := c[b]
			if ra.container != rb.container {
				continue
			}
			// (An empty resource beside an exclusive one manages no seat.)
			if (ra.exclusive || rb.exclusive) && (ra.exclusive || len(ra.recipients) > 0) && (rb.exclusive || len(rb.recipients) > 0) {
				out = append(out, mFight{fmt.Sprintf("%s and %s share a subscription and one is exclusive", a, b), ra.container, -1, false})
			}
			for p, rc := range seen {
				if j := rb.index(p); j >= 0 {
					out = append(out, mFight{fmt.Sprintf("%s and %s both name %s", a, b, modelPeople[p].name), ra.container, p, rb.recipients[j].form != rc.form})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].text < out[j].text })
	return out
}

// fights are the configuration's fights. (A resource leaving a
// subscription where another is exclusive does not fight it: both may
// revoke a seat the leaving one held, and the second revoke finds it
// revoked, or another person's, and sends nothing.)
func (m *modelMachine) fights() []mFight { return m.cfg.fights() }

// unknowable reports a fight no plan can see: one person named in two
// forms while they hold no seat of the subscription (nothing Polar lists
// joins an email to a member id until a seat does). The apply must then do
// no harm: the invariants check it.
func (m *modelMachine) unknowable(f mFight) bool {
	return f.person >= 0 && f.forms && len(m.activeSeats(func(v seatView) bool {
		return v.container == f.container && v.memberID == modelPeople[f.person].memberID
	})) == 0
}

// --- the machine ---------------------------------------------------------

// modelMachine is the model: the configuration, the emulator behind its
// proxy, the core with Terraform's state, and which resource manages each
// seat.
type modelMachine struct {
	t      tfT
	ctx    context.Context
	stats  *modelStats
	emu    *emulator.Server
	proxy  *modelProxy
	url    string
	core   *tfCore
	client *polar.Client // the world's

	cfg     mConfig // what the user has written
	applied mConfig // the configuration of the last apply
	good    mConfig // the configuration of the last successful apply
	// manager is the resource that manages each active seat: the one that
	// assigned it, imported it, or adopted it for a person it configures;
	// "" for a seat assigned outside Terraform or forgotten.
	manager map[string]string
	// assignments counts the assignments of each seat row.
	assignments map[string]int
	steps       int
}

// storyT records what a sequence logs, so that a failure that rapid cannot
// reproduce (a flaky one: it prints only a traceback) can still be told:
// with -model.faillog, the story of every failing sequence is appended to
// that file as it fails.
type storyT struct {
	tfT
	lines []string
}

func (s *storyT) Logf(format string, args ...any) {
	s.Helper()
	if *modelFailLog != "" {
		s.lines = append(s.lines, fmt.Sprintf(format, args...))
	}
	s.tfT.Logf(format, args...)
}

// Cleanup passes on to the test's Cleanup (both testing.T and rapid.T
// have one).
func (s *storyT) Cleanup(f func()) {
	if c, ok := s.tfT.(interface{ Cleanup(func()) }); ok {
		c.Cleanup(f)
	}
}

func (s *storyT) Fatalf(format string, args ...any) {
	s.Helper()
	if *modelFailLog != "" {
		if f, err := os.OpenFile(*modelFailLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			_, _ = fmt.Fprintf(f, "=== failing sequence: %s\n%s\n\n", fmt.Sprintf(format, args...), strings.Join(s.lines, "\n"))
			_ = f.Close()
		}
	}
	s.tfT.Fatalf(format, args...)
}

func newModelMachine(t tfT, stats *modelStats, seatsA int) *modelMachine {
	t.Helper()
	t = &storyT{tfT: t}
	emu, err := emulator.New(modelFixture(seatsA))
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	proxy := newModelProxy(emu)
	ts := httptest.NewServer(proxy)
	if c, ok := t.(interface{ Cleanup(func()) }); ok {
		c.Cleanup(func() {
			proxy.releaseAll()
			ts.Close()
		})
	}
	client, err := polar.NewClient(polar.Config{BaseURL: ts.URL, Token: emulator.DemoToken, MaxRetries: polar.Retries(0)})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	m := &modelMachine{t: t, ctx: context.Background(), stats: stats, emu: emu, proxy: proxy, url: ts.URL, client: client,
		cfg: mConfig{}, applied: mConfig{}, good: mConfig{}, manager: map[string]string{}, assignments: map[string]int{}}
	m.core = newTFCore(t)
	m.core.onCall = proxy.setSource
	m.providerConfig("")
	m.logf("subscription A has %d seats", seatsA)
	return m
}

func (m *modelMachine) logf(format string, args ...any) {
	m.t.Helper()
	m.steps++
	m.t.Logf("%3d. %s", m.steps, fmt.Sprintf(format, args...))
}

// actions are the operations rapid draws from, less the ones -model.skip
// leaves out; "" is the check run after each.
func (m *modelMachine) actions() map[string]func(*rapid.T) {
	all := map[string]func(*rapid.T){
		"AddRecipient": m.AddRecipient, "RemoveRecipient": m.RemoveRecipient, "ChangeForm": m.ChangeForm, "MovePerson": m.MovePerson,
		"ToggleExclusive": m.ToggleExclusive, "SetMetadata": m.SetMetadata, "ToggleEmailMap": m.ToggleEmailMap, "ToggleImmediateClaim": m.ToggleImmediateClaim,
		"RemoveResource": m.RemoveResource, "ChangeContainer": m.ChangeContainer, "DuplicatePerson": m.DuplicatePerson,
		"Apply": m.Apply, "Apply2": m.Apply, "Apply3": m.Apply, "RefreshOnly": m.RefreshOnly, "Import": m.Import, "Forget": m.Forget, "StateRm": m.StateRm, "Destroy": m.Destroy,
		"WorldAssign": m.WorldAssign, "WorldRevoke": m.WorldRevoke, "WorldClaim": m.WorldClaim, "WorldReuse": m.WorldReuse, "WorldReissue": m.WorldReissue, "WorldSeats": m.WorldSeats,
	}
	out := map[string]func(*rapid.T){"": m.Check}
	for name, f := range all {
		if skipped(strings.TrimRight(name, "23")) {
			continue
		}
		out[name] = func(t *rapid.T) {
			m.stats.count(m.stats.actions, strings.TrimRight(name, "23"))
			f(t)
		}
	}
	return out
}

// Check is invariant 4, after every action: nobody holds two active seats
// of one subscription.
func (m *modelMachine) Check(*rapid.T) { m.checkOneSeatEach() }

func (m *modelMachine) checkOneSeatEach() {
	m.t.Helper()
	held := map[string]string{}
	for id, v := range m.truth() {
		if !v.active() {
			continue
		}
		k := v.container + "/" + v.memberID
		if other, ok := held[k]; ok {
			failStable(m.t, "invariant 4: a person holds two active seats of one subscription", "%s holds seats %s and %s of subscription %s",
				m.personName(v.memberID), other, id, subName(v.container))
		}
		held[k] = id
	}
}

// --- drawing -------------------------------------------------------------

func drawPerson(t *rapid.T) int { return rapid.IntRange(0, len(modelPeople)-1).Draw(t, "person") }

func drawRecipient(t *rapid.T, person int) mRecipient {
	var forms []int
	for i, name := range seatAttrs {
		if strings.Contains(","+*modelForms+",", ","+name+",") {
			forms = append(forms, i)
		}
	}
	return mRecipient{person: person, form: rapid.SampledFrom(forms).Draw(t, "form"), spelling: rapid.IntRange(0, 2).Draw(t, "spelling")}
}

// drawRare is true about one time in n.
func drawRare(t *rapid.T, n int, label string) bool { return rapid.IntRange(1, n).Draw(t, label) == 1 }

func drawContainer(t *rapid.T) string {
	if drawRare(t, 6, "subscription B if 1") {
		return modelSubB
	}
	return modelSubA
}

func drawAlias(t *rapid.T) string {
	if !skipped("second") && drawRare(t, 8, "provider polar.second if 1") {
		return modelSecondAlias
	}
	return ""
}

// pick draws one of the resources that satisfy ok, or skips the action.
func (m *modelMachine) pick(t *rapid.T, label string, ok func(*mResource) bool) *mResource {
	var addrs []string
	for _, addr := range sortedKeys(m.cfg) {
		if ok(m.cfg[addr]) {
			addrs = append(addrs, addr)
		}
	}
	if len(addrs) == 0 {
		t.Skip("no resource to " + label)
	}
	return m.cfg[rapid.SampledFrom(addrs).Draw(t, label)]
}

// --- configuration edits ---------------------------------------------------

// AddRecipient: a person joins a team or gets a seat resource.
func (m *modelMachine) AddRecipient(t *rapid.T) {
	p := drawPerson(t)
	into := rapid.SampledFrom([]string{"team_a", "team_b", "seat"}).Draw(t, "into")
	addr := assignmentsType + "." + into
	if into == "seat" {
		addr = seatType + "." + modelPeople[p].name
	}
	var container string
	switch r := m.cfg[addr]; {
	case r != nil:
		container = r.container
	case m.core.state[addr] != nil && skipped("ChangeContainer"):
		// A resource block written again at an address still in state,
		// on another subscription, is a change of subscription.
		container = m.stateContainer(addr)
	default:
		container = drawContainer(t)
	}
	if r := m.cfg[addr]; r != nil && (r.seat || r.index(p) >= 0) {
		t.Skip("already there")
	}
	if len(m.cfg.resourcesOf(container, p)) > 0 && !drawRare(t, 10, "even though configured elsewhere if 1") {
		t.Skip("configured elsewhere")
	}
	if skipped("MovePerson") && m.recordedElsewhere(addr, container, p) {
		t.Skip("a move, left out")
	}
	m.addRecipient(addr, container, drawAlias(t), drawRecipient(t, p))
}

// recordedElsewhere reports whether the state of another resource records a
// seat of a container for a person (adding them here is a move).
func (m *modelMachine) recordedElsewhere(addr, container string, person int) bool {
	for other, obj := range m.core.state {
		if other == addr || m.stateContainer(other) != container {
			continue
		}
		for _, s := range seatsIn(obj) {
			if personOfValue(s.value) == person {
				return true
			}
		}
	}
	return false
}

func (m *modelMachine) addRecipient(addr, container, alias string, rc mRecipient) {
	r := m.cfg[addr]
	if r == nil {
		r = &mResource{addr: addr, seat: strings.HasPrefix(addr, seatType+"."), container: container, alias: alias}
		m.cfg[addr] = r
	}
	r.recipients = append(r.recipients, rc)
	m.logf("edit: add %s to %s", rc, r)
}

// RemoveRecipient: a person leaves a resource.
func (m *modelMachine) RemoveRecipient(t *rapid.T) {
	r := m.pick(t, "remove from", func(r *mResource) bool { return len(r.recipients) > 0 })
	m.removeRecipient(r.addr, r.recipients[rapid.IntRange(0, len(r.recipients)-1).Draw(t, "recipient")].person)
}

func (m *modelMachine) removeRecipient(addr string, person int) {
	r := m.cfg[addr]
	i := r.index(person)
	rc := r.recipients[i]
	r.recipients = slices.Delete(r.recipients, i, i+1)
	if r.seat {
		delete(m.cfg, addr)
	}
	m.logf("edit: remove %s from %s", rc, addr)
}

// ChangeForm: the same person named another way (form or spelling).
func (m *modelMachine) ChangeForm(t *rapid.T) {
	r := m.pick(t, "rename in", func(r *mResource) bool { return len(r.recipients) > 0 })
	i := rapid.IntRange(0, len(r.recipients)-1).Draw(t, "recipient")
	next := drawRecipient(t, r.recipients[i].person)
	if next.value() == r.recipients[i].value() {
		t.Skip("same spelling")
	}
	m.changeForm(r.addr, next)
}

func (m *modelMachine) changeForm(addr string, next mRecipient) {
	r := m.cfg[addr]
	i := r.index(next.person)
	m.logf("edit: %s names %s as %s now", addr, r.recipients[i], next)
	r.recipients[i] = next
}

// MovePerson: a person leaves one resource and joins another on the same
// subscription.
func (m *modelMachine) MovePerson(t *rapid.T) {
	from := m.pick(t, "move from", func(r *mResource) bool { return len(r.recipients) > 0 })
	p := from.recipients[rapid.IntRange(0, len(from.recipients)-1).Draw(t, "recipient")].person
	to := rapid.SampledFrom([]string{"team_a", "team_b", "seat"}).Draw(t, "to")
	addr := assignmentsType + "." + to
	if to == "seat" {
		addr = seatType + "." + modelPeople[p].name
	}
	if r := m.cfg[addr]; addr == from.addr || (r != nil && (r.container != from.container || r.seat || r.index(p) >= 0)) {
		t.Skip("no such move")
	}
	if m.cfg[addr] == nil && m.core.state[addr] != nil && m.stateContainer(addr) != from.container && skipped("ChangeContainer") {
		t.Skip("a change of subscription, left out")
	}
	m.movePerson(from.addr, addr, drawRecipient(t, p))
}

func (m *modelMachine) movePerson(from, to string, rc mRecipient) {
	container, alias := m.cfg[from].container, m.cfg[from].alias
	m.logf("edit: move %s from %s to %s", modelPeople[rc.person].name, from, to)
	m.removeRecipient(from, rc.person)
	m.addRecipient(to, container, alias, rc)
}

// ToggleExclusive turns exclusive on or off.
func (m *modelMachine) ToggleExclusive(t *rapid.T) {
	m.toggleExclusive(m.pick(t, "toggle exclusive", func(r *mResource) bool { return !r.seat }).addr)
}

func (m *modelMachine) toggleExclusive(addr string) {
	r := m.cfg[addr]
	r.exclusive = !r.exclusive
	m.logf("edit: exclusive = %v on %s", r.exclusive, addr)
}

// SetMetadata changes metadata (new seats only, or a seat's replacement).
func (m *modelMachine) SetMetadata(t *rapid.T) {
	r := m.pick(t, "set metadata on", func(*mResource) bool { return true })
	v := rapid.SampledFrom([]string{"", "x", "y"}).Draw(t, "metadata")
	if v == r.metadata {
		t.Skip("unchanged")
	}
	r.metadata = v
	m.logf("edit: metadata team=%q on %s", v, r.addr)
}

// ToggleEmailMap moves an assignments resource's emails between emails and
// email_recipients: the same people, so nothing may be sent.
func (m *modelMachine) ToggleEmailMap(t *rapid.T) {
	m.toggleEmailMap(m.pick(t, "move the emails of", func(r *mResource) bool { return !r.seat }).addr)
}

func (m *modelMachine) toggleEmailMap(addr string) {
	r := m.cfg[addr]
	r.emailMap = !r.emailMap
	m.logf("edit: emails as email_recipients = %v on %s", r.emailMap, addr)
}

// ToggleImmediateClaim flips immediate_claim.
func (m *modelMachine) ToggleImmediateClaim(t *rapid.T) {
	r := m.pick(t, "toggle immediate_claim on", func(*mResource) bool { return true })
	r.immediate = !r.immediate
	m.logf("edit: immediate_claim = %v on %s", r.immediate, r.addr)
}

// RemoveResource takes an assignments resource out of the configuration.
func (m *modelMachine) RemoveResource(t *rapid.T) {
	m.removeResource(m.pick(t, "remove", func(r *mResource) bool { return !r.seat }).addr)
}

func (m *modelMachine) removeResource(addr string) {
	delete(m.cfg, addr)
	m.logf("edit: remove %s", addr)
}

// ChangeContainer moves a resource to the other subscription.
func (m *modelMachine) ChangeContainer(t *rapid.T) {
	r := m.pick(t, "move to the other subscription", func(*mResource) bool { return true })
	r.container = map[string]string{modelSubA: modelSubB, modelSubB: modelSubA}[r.container]
	m.logf("edit: %s moves to subscription %s", r.addr, subName(r.container))
}

// DuplicatePerson names a person of a team a second time, another way.
func (m *modelMachine) DuplicatePerson(t *rapid.T) {
	r := m.pick(t, "duplicate in", func(r *mResource) bool { return !r.seat && len(r.recipients) > 0 })
	rc := r.recipients[rapid.IntRange(0, len(r.recipients)-1).Draw(t, "recipient")]
	dup := drawRecipient(t, rc.person)
	if dup.form == rc.form {
		t.Skip("same form")
	}
	r.recipients = append(r.recipients, dup)
	m.logf("edit: %s names %s a second time, as %s", r.addr, modelPeople[rc.person].name, dup)
}

// --- Terraform operations --------------------------------------------------

// holdTimeout is the request_timeout of an apply with a held request: the
// provider gives up on the held request after it, and the hold, not the
// time, decides when the request lands.
const holdTimeout = "150ms"

// hazard is what goes wrong during one apply.
type hazard struct {
	kind   string // "", "fault", "hold", "interrupt", "planfault"
	method string // POST or DELETE
	fault  string // status or drop_after_commit
	after  int    // hold: released after this many later requests; -1 at the end of the apply
	at     int    // interrupt: during this operation of the apply
}

func (h hazard) String() string {
	switch h.kind {
	case "fault":
		return fmt.Sprintf(" (a %s fault on the next %s)", h.fault, h.method)
	case "hold":
		if h.after < 0 {
			return fmt.Sprintf(" (the next %s is held until the apply ends; request_timeout %s)", h.method, holdTimeout)
		}
		return fmt.Sprintf(" (the next %s is held until %d later requests land; request_timeout %s)", h.method, h.after, holdTimeout)
	case "interrupt":
		return fmt.Sprintf(" (interrupted during operation %d, while its first write is on its way)", h.at)
	case "planfault":
		return " (the plan's list call fails)"
	}
	return ""
}

func drawHazard(t *rapid.T) hazard {
	method := func() string { return rapid.SampledFrom([]string{"POST", "DELETE"}).Draw(t, "method") }
	var h hazard
	switch rapid.IntRange(0, 19).Draw(t, "hazard") {
	case 0, 1:
		h = hazard{kind: "fault", method: method(), fault: rapid.SampledFrom([]string{"status", "drop_after_commit"}).Draw(t, "fault")}
	case 2, 3:
		h = hazard{kind: "hold", method: method(), after: rapid.IntRange(-1, 4).Draw(t, "released after")}
	case 4:
		h = hazard{kind: "interrupt", at: rapid.IntRange(0, 3).Draw(t, "interrupted at")}
	case 5:
		h = hazard{kind: "planfault"}
	}
	if skipped(h.kind) || skipped(h.kind+h.method) {
		return hazard{}
	}
	return h
}

// Apply is `terraform apply`, until it succeeds.
func (m *modelMachine) Apply(t *rapid.T) { m.apply(drawHazard(t)) }

func (m *modelMachine) apply(h hazard) {
	m.t.Helper()
	m.logf("terraform apply%s with %s", h, m.cfg)
	m.settle(m.step(h))
}

// RefreshOnly is `terraform apply -refresh-only`.
func (m *modelMachine) RefreshOnly(*rapid.T) { m.refreshOnly() }

func (m *modelMachine) refreshOnly() {
	m.t.Helper()
	m.logf("terraform apply -refresh-only")
	m.refresh()
}

// refresh is a refresh-only walk whose state is kept; it writes nothing.
func (m *modelMachine) refresh() {
	m.t.Helper()
	m.render("")
	rm, cm := m.proxy.mark()
	p := m.core.plan(m.ctx, planRefreshOnly, false)
	m.checkReadOnly("refresh", rm, cm)
	if p.errored() {
		failStable(m.t, "a refresh failed with no fault", "%v", modelErrors(p.diags))
	}
	m.core.state = p.refreshed
}

// Import imports a configured resource that is not in state.
func (m *modelMachine) Import(t *rapid.T) {
	r := m.pick(t, "import", func(r *mResource) bool { return m.core.state[r.addr] == nil && len(r.recipients) > 0 })
	how := rapid.SampledFrom([]string{"id", "email", "identity"}).Draw(t, "import by")
	if !r.seat {
		m.importContainer(r.addr, how == "identity")
		return
	}
	rc := r.recipients[0]
	seat := ""
	for id, v := range m.truth() {
		if v.active() && v.container == r.container && v.memberID == modelPeople[rc.person].memberID {
			seat = id
		}
	}
	if seat == "" {
		t.Skip("nothing to import")
	}
	m.importSeat(r.addr, seat, how, rapid.IntRange(0, 2).Draw(t, "spelling"))
}

func (m *modelMachine) importContainer(addr string, byIdentity bool) {
	m.t.Helper()
	r := m.cfg[addr]
	for _, other := range m.cfg {
		if other.addr != addr && other.container == r.container {
			m.logf("no import of %s: another resource manages subscription %s", addr, subName(r.container))
			return
		}
	}
	if byIdentity {
		id := tftypes.NewValue(m.core.idTypes[assignmentsType], map[string]tftypes.Value{
			"subscription_id": tftypes.NewValue(tftypes.String, r.container), "order_id": tftypes.NewValue(tftypes.String, nil)})
		m.doImport(addr, "", &id)
		return
	}
	m.doImport(addr, "subscription/"+r.container, nil)
}

func (m *modelMachine) importSeat(addr, seat, how string, spelling int) {
	m.t.Helper()
	r := m.cfg[addr]
	switch how {
	case "email":
		m.doImport(addr, "subscription/"+r.container+"/"+modelPeople[r.recipients[0].person].email(spelling), nil)
	case "identity":
		id := tftypes.NewValue(m.core.idTypes[seatType], map[string]tftypes.Value{"seat_id": tftypes.NewValue(tftypes.String, seat),
			"subscription_id": tftypes.NewValue(tftypes.String, r.container), "order_id": tftypes.NewValue(tftypes.String, nil)})
		m.doImport(addr, "", &id)
	default:
		m.doImport(addr, "subscription/"+r.container+"/"+seat, nil)
	}
}

func (m *modelMachine) doImport(addr, id string, identity *tftypes.Value) {
	m.t.Helper()
	how := id
	if identity != nil {
		how = "identity " + identity.String()
	}
	m.logf("terraform import %s %s", addr, how)
	m.render("")
	rm, cm := m.proxy.mark()
	diags := m.core.importResource(m.ctx, addr, id, identity)
	m.checkReadOnly("import", rm, cm)
	if errs := modelErrors(diags); len(errs) > 0 {
		failStable(m.t, "an import failed", "%s: %v", addr, errs)
	}
	truth := m.truth()
	for _, s := range seatsIn(m.core.state[addr]) {
		if truth[s.id].active() {
			m.manager[s.id] = addr
		}
	}
}

// Forget is a removed { destroy = false } block: the resource leaves the
// configuration and the state; its seats stay, managed by nobody.
func (m *modelMachine) Forget(t *rapid.T) { m.forget(m.drawInState(t, "forget")) }

func (m *modelMachine) forget(addr string) {
	m.logf("removed { from = %s, destroy = false }", addr)
	delete(m.cfg, addr)
	delete(m.applied, addr)
	delete(m.good, addr)
	m.dropState(addr)
}

// StateRm is `terraform state rm`: Terraform forgets the resource, the
// configuration keeps it.
func (m *modelMachine) StateRm(t *rapid.T) { m.stateRm(m.drawInState(t, "state rm")) }

func (m *modelMachine) stateRm(addr string) {
	m.logf("terraform state rm %s", addr)
	m.dropState(addr)
}

// drawInState draws a resource in state, or skips the action.
func (m *modelMachine) drawInState(t *rapid.T, label string) string {
	addrs := sortedKeys(m.core.state)
	if len(addrs) == 0 {
		t.Skip("nothing in state")
	}
	return rapid.SampledFrom(addrs).Draw(t, label)
}

// dropState removes a resource from state; nobody manages its seats.
func (m *modelMachine) dropState(addr string) {
	delete(m.core.state, addr)
	for id, mgr := range m.manager {
		if mgr == addr {
			m.manager[id] = ""
		}
	}
}

// Destroy is `terraform destroy`: a refresh, then a destroy plan and its
// apply. The configuration stays: the next apply creates it again.
func (m *modelMachine) Destroy(*rapid.T) { m.destroy() }

func (m *modelMachine) destroy() {
	m.t.Helper()
	m.logf("terraform destroy")
	m.refresh()
	rm, cm := m.proxy.mark()
	before := m.truth()
	p := m.core.plan(m.ctx, planDestroy, true)
	m.checkReadOnly("plan", rm, cm)
	if p.errored() {
		failStable(m.t, "a destroy plan failed", "%v", modelErrors(p.diags))
	}
	ann := m.announced(p, before)
	res := m.core.apply(m.ctx, p, nil)
	reqs, changes := m.proxy.since(rm, cm)
	m.checkWrites(reqs, changes, p, ann)
	if res.errored() || len(m.core.state) > 0 {
		failStable(m.t, "a destroy failed with no fault", "%v (left %v)", modelErrors(res.diags), sortedKeys(m.core.state))
	}
	m.applied, m.good = mConfig{}, mConfig{}
}

// --- the world ---------------------------------------------------------------

// world runs an out-of-band change and records who now holds what.
func (m *modelMachine) world(what string, f func() error) {
	m.t.Helper()
	rm, cm := m.proxy.mark()
	m.proxy.setSource("world")
	err := f()
	_, changes := m.proxy.since(rm, cm)
	for _, c := range changes {
		switch {
		case c.from.active() && !c.to.active():
			delete(m.manager, c.seatID)
		case c.to.active() && (!c.from.active() || c.from.memberID != c.to.memberID):
			m.manager[c.seatID] = ""
			m.assignments[c.seatID]++
		}
	}
	outcome := "done"
	if err != nil {
		outcome = "refused: " + polar.Sanitize(err.Error())
	}
	m.logf("world: %s (%s)", what, outcome)
}

// WorldAssign assigns a seat outside Terraform.
func (m *modelMachine) WorldAssign(t *rapid.T) {
	m.worldAssign(drawContainer(t), drawRecipient(t, drawPerson(t)), rapid.Bool().Draw(t, "immediate_claim"))
}

func (m *modelMachine) worldAssign(container string, rc mRecipient, immediate bool) {
	a := polar.SeatAssign{SubscriptionID: &container, ImmediateClaim: immediate}
	v := rc.value()
	switch rc.form {
	case formEmail:
		a.Email = &v
	case formMember:
		a.MemberID = &v
	default:
		a.ExternalMemberID = &v
	}
	m.world(fmt.Sprintf("assign a seat of %s to %s", subName(container), rc), func() error {
		_, err := m.client.AssignSeat(m.ctx, a)
		return err
	})
}

// activeSeats are the active seats that satisfy ok, by subscription and
// holder: an order that does not depend on the seat ids, which are random,
// so that a sequence replays the same when rapid shrinks it.
func (m *modelMachine) activeSeats(ok func(seatView) bool) []string {
	truth := m.truth()
	var out []string
	for id, v := range truth {
		if v.active() && ok(v) {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := truth[out[i]], truth[out[j]]
		if a.container != b.container {
			return a.container < b.container
		}
		if pa, pb := personOfMember(a.memberID), personOfMember(b.memberID); pa != pb {
			return pa < pb
		}
		return out[i] < out[j]
	})
	return out
}

// WorldRevoke revokes an active seat outside Terraform.
func (m *modelMachine) WorldRevoke(t *rapid.T) {
	seats := m.activeSeats(func(seatView) bool { return true })
	if len(seats) == 0 {
		t.Skip("no active seat")
	}
	m.worldRevoke(rapid.SampledFrom(seats).Draw(t, "seat"))
}

func (m *modelMachine) worldRevoke(seat string) {
	who := m.personName(m.truth()[seat].memberID)
	m.world(fmt.Sprintf("revoke %s's seat %s", who, seat), func() error {
		_, err := m.client.RevokeSeat(m.ctx, seat)
		return err
	})
}

// WorldClaim: a pending seat's invitation is accepted.
func (m *modelMachine) WorldClaim(t *rapid.T) {
	seats := m.activeSeats(func(v seatView) bool { return v.status == "pending" })
	if len(seats) == 0 {
		t.Skip("no pending seat")
	}
	seat := rapid.SampledFrom(seats).Draw(t, "seat")
	tok, ok := m.emu.InvitationToken(seat)
	if !ok {
		t.Skip("no token")
	}
	m.world(fmt.Sprintf("%s claims seat %s", m.personName(m.truth()[seat].memberID), seat), func() error {
		_, err := m.client.ClaimSeat(m.ctx, tok)
		return err
	})
}

// WorldReuse revokes a seat and assigns someone else, who gets its row.
func (m *modelMachine) WorldReuse(t *rapid.T) {
	seats := m.activeSeats(func(seatView) bool { return true })
	if len(seats) == 0 {
		t.Skip("no active seat")
	}
	seat := rapid.SampledFrom(seats).Draw(t, "seat")
	container := m.truth()[seat].container
	rc := drawRecipient(t, drawPerson(t))
	m.worldRevoke(seat)
	m.worldAssign(container, rc, rapid.Bool().Draw(t, "immediate_claim"))
}

// WorldReissue revokes a person's seat and assigns the same person again,
// as the resend action's reissue_expired does (or a person in the
// dashboard): Polar picks the row, perhaps another one, and a
// polar_customer_seat follows the person to it at the next refresh.
func (m *modelMachine) WorldReissue(t *rapid.T) {
	seats := m.activeSeats(func(seatView) bool { return true })
	if len(seats) == 0 {
		t.Skip("no active seat")
	}
	seat := rapid.SampledFrom(seats).Draw(t, "seat")
	v := m.truth()[seat]
	p := slices.IndexFunc(modelPeople, func(mp modelPerson) bool { return mp.memberID == v.memberID })
	if p < 0 {
		t.Skip("held by nobody the model knows")
	}
	m.logf("world: reissue %s's seat %s", modelPeople[p].name, seat)
	m.worldRevoke(seat)
	m.worldAssign(v.container, drawRecipient(t, p), false)
}

// WorldSeats changes how many seats subscription A has.
func (m *modelMachine) WorldSeats(t *rapid.T) {
	active := len(m.activeSeats(func(v seatView) bool { return v.container == modelSubA }))
	m.worldSeats(modelSubA, rapid.IntRange(max(0, active-1), active+3).Draw(t, "seats"))
}

func (m *modelMachine) worldSeats(container string, n int) {
	m.t.Helper()
	if err := m.emu.SetSeats("subscription", container, n); err != nil {
		m.t.Fatalf("set seats: %v", err)
	}
	m.logf("world: subscription %s has %d seats now", subName(container), n)
}

// --- one apply, and what the user does after it -----------------------------

// outcome is how one apply ended.
type outcome struct {
	stage string // "ok", "validate", "plan" (refused), "apply" (failed)
	diags []tfDiag
	h     hazard
}

// render writes the configuration and provider blocks into the core.
func (m *modelMachine) render(requestTimeout string) {
	m.providerConfig(requestTimeout)
	m.core.config = map[string]*tfConfig{}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for addr, r := range m.cfg {
		typeName := assignmentsType
		set := map[string]tftypes.Value{"subscription_id": str(r.container)}
		if r.seat {
			typeName = seatType
			rc := r.recipients[0]
			set[seatAttrs[rc.form]] = str(rc.value())
		} else {
			lists := make([][]tftypes.Value, 3)
			byEmail := map[string]tftypes.Value{}
			for _, rc := range r.recipients {
				if r.emailMap && rc.form == formEmail {
					own := map[string]tftypes.Value{}
					if r.metadata != "" {
						own["team"] = str(r.metadata + "-own")
					}
					byEmail[rc.value()] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, own)
					continue
				}
				lists[rc.form] = append(lists[rc.form], str(rc.value()))
			}
			if r.emailMap {
				set["email_recipients"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.Map{ElementType: tftypes.String}}, byEmail)
			}
			for form, l := range lists {
				if l != nil {
					set[listAttrs[form]] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, l)
				}
			}
			if r.exclusive {
				set["exclusive"] = tftypes.NewValue(tftypes.Bool, true)
			}
		}
		if r.immediate {
			set["immediate_claim"] = tftypes.NewValue(tftypes.Bool, true)
		}
		if r.metadata != "" {
			set["metadata"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"team": str(r.metadata)})
		}
		m.core.config[addr] = &tfConfig{typeName: typeName, alias: r.alias, value: m.core.object(m.core.typ(typeName), set)}
	}
}

// providerConfig configures both provider blocks: the proxy, no client
// retries (a 5xx or timeout is handled by the provider's own logic, without
// back-off sleeps), and a request_timeout when a step needs one.
func (m *modelMachine) providerConfig(requestTimeout string) {
	typ := m.core.schemas.Provider.ValueType()
	set := map[string]tftypes.Value{
		"server_url":   tftypes.NewValue(tftypes.String, m.url),
		"access_token": tftypes.NewValue(tftypes.String, emulator.DemoToken),
		"max_retries":  tftypes.NewValue(tftypes.Number, big.NewFloat(0)),
	}
	if requestTimeout != "" {
		set["request_timeout"] = tftypes.NewValue(tftypes.String, requestTimeout)
	}
	for _, alias := range []string{"", modelSecondAlias} {
		m.core.provider[alias] = m.core.object(typ, set)
	}
}

// step is one `terraform apply` with a hazard, checked.
func (m *modelMachine) step(h hazard) outcome {
	m.t.Helper()
	timeout := ""
	if h.kind == "hold" {
		timeout = holdTimeout
	}
	m.render(timeout)
	if errs := modelErrors(m.core.validate(m.ctx)); len(errs) > 0 {
		m.logDiags(errs)
		return outcome{stage: "validate", diags: errs, h: h}
	}
	rm, cm := m.proxy.mark()
	before := m.truth()
	keepers := m.keepers(before)
	// How many times each keeper's row was assigned so far: a row assigned
	// again in this step was revoked and its person invited again.
	assigned := map[string]int{}
	for _, id := range keepers {
		assigned[id] = m.assignments[id]
	}
	if h.kind == "planfault" {
		m.fault(emulator.Fault{Method: http.MethodGet, Path: "/v1/customer-seats", Kind: "status", Status: http.StatusServiceUnavailable, Times: 1})
	}
	p := m.core.plan(m.ctx, planNormal, false)
	m.clearFaults()
	m.checkReadOnly("plan", rm, cm)
	if p.errored() {
		m.logDiags(modelErrors(p.diags))
		return outcome{stage: "plan", diags: modelErrors(p.diags), h: h}
	}
	ann := m.announced(p, before)
	exempt := m.exempt(p)
	m.logPlan(p, ann)
	m.logDiags(p.diags)
	unseen := 0
	for _, f := range m.fights() {
		if !m.unknowable(f) {
			// Plans refuse every fight they can see, across provider
			// configurations too.
			failStable(m.t, "a plan let a fight through", "%s", f)
		}
		unseen++
		m.stats.count(m.stats.refusals, "passed, unknowable at plan: "+f.kind()+" in two forms, holding no seat")
		m.logf("  the plan could not see a fight: %s (in two forms, holding no seat)", f)
	}
	var interrupt *tfInterrupt
	switch h.kind {
	case "fault":
		f := emulator.Fault{Method: h.method, Path: "/v1/customer-seats", Kind: h.fault, Status: http.StatusServiceUnavailable, Times: 1}
		if h.method == http.MethodDelete {
			f.Path = "/v1/customer-seats/*"
		}
		m.fault(f)
	case "hold":
		prefix := "/v1/customer-seats"
		if h.method == http.MethodDelete {
			prefix += "/"
		}
		m.proxy.hold(h.method, prefix, h.after)
	case "interrupt":
		interrupt = &tfInterrupt{at: h.at, release: m.proxy.releaseAll, arm: func() <-chan *heldRequest {
			for len(m.proxy.heldCh) > 0 {
				<-m.proxy.heldCh
			}
			m.proxy.hold("*", "/v1/customer-seats", -1)
			return m.proxy.heldCh
		}}
	}
	res := m.core.apply(m.ctx, p, interrupt)
	m.proxy.releaseAll()
	m.clearFaults()
	m.render("")
	reqs, changes := m.proxy.since(rm, cm)
	for _, c := range changes {
		m.logf("  %s", c)
	}
	m.logDiags(res.diags)
	m.checkWrites(reqs, changes, p, ann)
	m.checkKeepers(keepers, exempt, assigned)
	m.adoptFromState()
	m.applied = m.cfg.clone()
	if res.errored() {
		if res.interrupted {
			m.logf("  interrupted after %v", res.order)
		}
		m.checkNoOrphans(changes, res.diags)
		return outcome{stage: "apply", diags: modelErrors(res.diags), h: h}
	}
	if unseen > 0 {
		// The person named twice holds a seat now, so the next plan sees
		// the fight and refuses it (the user then undoes the edit).
		rm, cm := m.proxy.mark()
		p := m.core.plan(m.ctx, planNormal, false)
		m.checkReadOnly("plan", rm, cm)
		if p.errored() {
			m.logDiags(modelErrors(p.diags))
			return outcome{stage: "plan", diags: modelErrors(p.diags)}
		}
	}
	m.checkConverged()
	m.good = m.cfg.clone()
	return outcome{stage: "ok"}
}

// settle does what the user does after a refused plan or a failed apply —
// what the diagnostics say, or undo the edit — and applies again, until an
// apply succeeds (invariant 5: the applies converge).
func (m *modelMachine) settle(out outcome) {
	m.t.Helper()
	for round := 0; out.stage != "ok"; round++ {
		if round == 6 {
			failStable(m.t, "invariant 5: the applies do not converge", "the last one ended at %s with %v", out.stage, out.diags)
		}
		if out.stage == "apply" {
			m.afterFailure(out)
		} else {
			m.afterRefusal(out)
		}
		m.logf("terraform apply (again) with %s", m.cfg)
		out = m.step(hazard{})
	}
}

// afterRefusal classifies a refused plan: a fight, or a refusal the issue
// allows, is counted and answered as its message says (or the edit is
// undone); anything else is an ordinary edit refused, which fails the test.
func (m *modelMachine) afterRefusal(out outcome) {
	m.t.Helper()
	fights := m.fights()
	moving := m.moving()
	// A plan may refuse several things at once: the move recipe first (a
	// move is undone as a whole), else the first error.
	d := out.diags[0]
	for _, e := range out.diags {
		if isMoveRecipe(e) && (len(moving) > 0 || m.gainsSeat(e)) {
			d = e
			break
		}
	}
	state := m.core.state[d.addr]
	switch {
	case out.h.kind == "planfault":
		m.refused("the list call failed at plan (" + d.Summary + ")")
	case out.h.kind == "hold" && strings.Contains(d.Detail, "context deadline exceeded"):
		// The short request_timeout of a hold ran out on a request that
		// was not held (a busy machine): the plan says so, truthfully.
		m.refused("a plan request outlived the hold's request_timeout")
	case isMoveRecipe(d) && (len(moving) > 0 || m.gainsSeat(d)):
		// The issue allows refusing a move whose safety cannot be proven,
		// with the recipe that works: a removed block and an import.
		m.refused("a move, with the recipe: " + d.Summary)
		m.logf("the user undoes the move of %s", strings.Join(moving, ", "))
		m.undo()
	case m.revokedTwice(d):
		// The message's recipe: keep the seat in one resource, forget the
		// other with a removed block.
		m.refused("one seat revoked by two resources beside an assignment")
		m.keepInOne(uuidText.FindString(d.Detail))
	case len(fights) > 0 && !slices.ContainsFunc(fights, func(f mFight) bool { return f.person < 0 }):
		// One person in two resources, or twice in one: the error's own
		// recipe, "manage each recipient in one resource" (an apply may
		// already have given them a seat, when the plan could not see the
		// fight: undoing the edit would then be a move).
		m.refused("fight: " + fights[0].kind())
		for _, f := range fights {
			m.keepOnce(f)
		}
	case len(fights) > 0:
		m.refused("fight: " + fights[0].kind())
		m.logf("the user undoes the edit (%v)", fights)
		m.undo()
	case strings.HasPrefix(d.Summary, "Release the seats before moving") && state != nil && m.cfg[d.addr] != nil:
		// The recipe: apply the release first (the old container), then
		// move (a later edit may).
		m.refused("a release and a new container together: one at a time")
		m.cfg[d.addr].container = stringAttr(state.value, "subscription_id")
		m.logf("the user keeps %s on subscription %s for now", d.addr, subName(m.cfg[d.addr].container))
	case strings.HasPrefix(d.Summary, "Recipients already hold seats") && state != nil && state.tainted:
		m.refused("replacement of a tainted resource")
		m.logf("terraform untaint %s", d.addr)
		state.tainted = false
	case strings.HasPrefix(d.Summary, "Recipients already hold seats"):
		// A create (or the create of a replacement to another
		// subscription) over seats assigned outside Terraform.
		m.refused("a create over seats assigned outside Terraform")
		// The message's recipes: import the container (when the resource
		// is alone on it and not in state), or leave out the recipients
		// that hold seats.
		if state == nil {
			m.importContainer(d.addr, false)
		}
		if m.core.state[d.addr] == nil || state != nil {
			m.dropHolders(d.addr)
		}
	default:
		failStable(m.t, "an ordinary edit was refused at plan", "%s (no fight in %s; moving: %v): %s", out.stage, m.cfg, moving, d)
	}
}

// revokedTwice reports a refused plan that revokes one seat from two
// states (the first id its message names is recorded by two resources)
// while the configuration assigns someone in its subscription (names a
// person who holds no active seat there, or replaces a polar_customer_seat
// there in place). Terraform applies them at once:
// once one revoke frees the row, Polar may give it to that person, and the
// other revoke, sent after its check found the seat's holder, takes it — a
// race the model, which applies one resource at a time, never stages
// (TestCustomerSeatAssignments_revokes_twoRevokesBesideAnAssignment does).
func (m *modelMachine) revokedTwice(d tfDiag) bool {
	if !strings.HasPrefix(d.Summary, "One seat revoked by two resources") {
		return false
	}
	id := uuidText.FindString(d.Detail)
	in := 0
	for _, addr := range sortedKeys(m.core.state) {
		if slices.ContainsFunc(seatsIn(m.core.state[addr]), func(s stateSeat) bool { return s.id == id }) {
			in++
		}
	}
	v, ok := m.truth()[id]
	// (An exclusive resource revokes a seat it finds, in its state or not.)
	if !ok || in < 2 && !m.exclusiveOn(v.container) {
		return false
	}
	for _, r := range m.cfg {
		if r.container != v.container {
			continue
		}
		if m.replacedInPlace(r) {
			return true
		}
		for _, rc := range r.recipients {
			if len(m.activeSeats(func(w seatView) bool {
				return w.container == v.container && w.memberID == modelPeople[rc.person].memberID
			})) == 0 {
				return true
			}
		}
	}
	return false
}

// exclusiveOn reports an exclusive resource on the container in the
// configuration.
func (m *modelMachine) exclusiveOn(container string) bool {
	for _, r := range m.cfg {
		if r.exclusive && r.container == container {
			return true
		}
	}
	return false
}

// keepInOne follows the recipe of a seat revoked by two resources: one
// resource that holds it in state is forgotten (a removed block, destroy =
// false) — one leaving the configuration, else a polar_customer_seat, else
// the first — and the other revokes the seat alone. (Undoing the edit does
// not do: the seat may be in two states since an earlier apply, or found
// by an exclusive resource.)
func (m *modelMachine) keepInOne(id string) {
	var holders []string
	for _, addr := range sortedKeys(m.core.state) {
		if slices.ContainsFunc(seatsIn(m.core.state[addr]), func(s stateSeat) bool { return s.id == id }) {
			holders = append(holders, addr)
		}
	}
	if len(holders) == 0 {
		m.undo()
		return
	}
	pick := holders[0]
	if i := slices.IndexFunc(holders, func(a string) bool { return m.cfg[a] == nil }); i >= 0 {
		pick = holders[i]
	} else if i := slices.IndexFunc(holders, func(a string) bool { return strings.HasPrefix(a, seatType+".") }); i >= 0 {
		pick = holders[i]
	}
	m.forget(pick)
}

// replacedInPlace reports a polar_customer_seat the plan replaces in its
// subscription, revoking its seat and assigning its person again: its
// metadata changes, or immediate_claim turns on while the seat is pending.
func (m *modelMachine) replacedInPlace(r *mResource) bool {
	st := m.core.state[r.addr]
	if !r.seat || st == nil || stringAttr(st.value, "subscription_id") != r.container {
		return false
	}
	var attrs, meta map[string]tftypes.Value
	_ = st.value.As(&attrs)
	if md := attrs["metadata"]; md.IsKnown() && !md.IsNull() {
		_ = md.As(&meta)
	}
	var immediate bool
	if ic := attrs["immediate_claim"]; ic.IsKnown() && !ic.IsNull() {
		_ = ic.As(&immediate)
	}
	team := ""
	if t, ok := meta["team"]; ok {
		team = stringOf(t)
	}
	return team != r.metadata || (r.immediate && !immediate && stringAttr(st.value, "status") == string(polar.SeatStatusPending))
}

// keepOnce resolves one person named in two resources (or twice in one):
// they stay in the resource whose state records the seat they hold (else
// in the first one), and leave the other.
func (m *modelMachine) keepOnce(f mFight) {
	var holders []string
	truth := m.truth()
	for _, addr := range sortedKeys(m.core.state) {
		for _, st := range seatsIn(m.core.state[addr]) {
			v, ok := truth[st.id]
			if ok && v.active() && v.container == f.container && v.memberID == modelPeople[f.person].memberID && m.cfg[addr] != nil && !slices.Contains(holders, addr) {
				holders = append(holders, addr)
			}
		}
	}
	keep := ""
	if len(holders) > 0 {
		keep = holders[0]
	}
	// Two states holding the seat (an apply gave it to both, when the plan
	// could not see the fight): taking the person out of one would revoke
	// it, so the user forgets the other resource (removed, destroy =
	// false), as the move recipe says.
	for _, addr := range holders[min(1, len(holders)):] {
		m.forget(addr)
	}
	for _, addr := range m.cfg.resourcesOf(f.container, f.person) {
		if keep == "" {
			keep = addr
		}
		for r := m.cfg[addr]; r != nil && countPerson(r, f.person) > 0 && (addr != keep || countPerson(r, f.person) > 1); r = m.cfg[addr] {
			m.logf("the user names %s once, in %s only (%s)", modelPeople[f.person].name, keep, f)
			m.removeRecipient(addr, f.person)
		}
	}
}

// countPerson is how many times a resource names a person.
func countPerson(r *mResource, p int) int {
	n := 0
	for _, rc := range r.recipients {
		if rc.person == p {
			n++
		}
	}
	return n
}

// gainsSeat reports a refused move whose seat (the first id its message
// names) is active and held by someone a configured resource names on its
// subscription: a move the model's state-based view cannot see, because
// the refresh that found it (an exclusive resource reading a seat assigned
// outside Terraform) is not kept when the plan fails.
func (m *modelMachine) gainsSeat(d tfDiag) bool {
	id := uuidText.FindString(d.Detail)
	v, ok := m.truth()[id]
	if !ok || !v.active() {
		return false
	}
	for _, r := range m.cfg {
		for _, rc := range r.recipients {
			if r.container == v.container && modelPeople[rc.person].memberID == v.memberID {
				return true
			}
		}
	}
	return false
}

// undo takes the configuration back to the last one applied successfully.
// A resource in state may still hold a seat that another configured
// resource keeps (one imported for the edit, into a block the last good
// configuration has elsewhere or not at all): the user forgets it, as the
// move recipe says, rather than destroying or replacing it.
func (m *modelMachine) undo() {
	m.cfg = m.good.clone()
	for _, addr := range sortedKeys(m.core.state) {
		if slices.ContainsFunc(m.moving(), func(mv string) bool { return strings.Contains(mv, "("+addr+" → ") }) {
			m.forget(addr)
		}
	}
}

// isMoveRecipe reports a plan refusing a move with the recipe that works:
// a removed block and an import.
func isMoveRecipe(d tfDiag) bool {
	return strings.Contains(d.Detail, "import") && strings.Contains(d.Detail, "removed {")
}

var uuidText = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// dropHolders removes from a resource the recipients that hold seats of
// its subscription.
func (m *modelMachine) dropHolders(addr string) {
	r := m.cfg[addr]
	for _, rc := range slices.Clone(r.recipients) {
		if len(m.activeSeats(func(v seatView) bool {
			return v.container == r.container && v.memberID == modelPeople[rc.person].memberID
		})) > 0 {
			m.removeRecipient(addr, rc.person)
		}
	}
}

func (m *modelMachine) refused(kind string) {
	m.stats.count(m.stats.refusals, "refused: "+uuidText.ReplaceAllString(kind, "<id>"))
	m.logf("refused: %s", kind)
}

// afterFailure does what the errors of a failed apply say.
func (m *modelMachine) afterFailure(out outcome) {
	m.t.Helper()
	bought := map[string]bool{}
	for _, d := range out.diags {
		r := m.cfg[d.addr]
		switch {
		case r == nil:
		case d.Summary == "No seat available" && !bought[r.container]:
			bought[r.container] = true
			total := len(m.activeSeats(func(v seatView) bool { return v.container == r.container }))
			m.worldSeats(r.container, total+len(r.recipients)+1)
		case d.Summary == "Recipient already holds a seat" && r.seat && m.core.state[d.addr] == nil:
			for _, id := range m.activeSeats(func(v seatView) bool {
				return v.container == r.container && v.memberID == modelPeople[r.recipients[0].person].memberID
			}) {
				m.importSeat(d.addr, id, "id", 0)
			}
		}
	}
}

// moving are the people whose seat a resource in state holds (whatever
// form or spelling names them there) and whom the configuration names in
// another resource on the same subscription: a person is a person.
func (m *modelMachine) moving() []string {
	truth := m.truth()
	holders := map[keeper][]string{}
	for _, addr := range sortedKeys(m.core.state) {
		for _, s := range seatsIn(m.core.state[addr]) {
			if v, ok := truth[s.id]; ok && v.active() {
				if p := personOfValue(s.value); p >= 0 && v.memberID == modelPeople[p].memberID {
					k := keeper{v.container, p}
					holders[k] = append(holders[k], addr)
				}
			}
		}
	}
	var out []string
	for _, r := range m.cfg {
		for _, rc := range r.recipients {
			for _, was := range holders[keeper{r.container, rc.person}] {
				if was != r.addr {
					out = append(out, fmt.Sprintf("%s (%s → %s)", modelPeople[rc.person].name, was, r.addr))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func (m *modelMachine) fault(f emulator.Fault) {
	m.t.Helper()
	if err := m.emu.InjectFault(f); err != nil {
		m.t.Fatalf("fault: %v", err)
	}
}

func (m *modelMachine) clearFaults() {
	rec := httptest.NewRecorder()
	m.emu.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/__emulator/faults", nil))
}

// logDiags tells the diagnostics of a walk: warnings by summary, errors in
// full.
func (m *modelMachine) logDiags(diags []tfDiag) {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			m.logf("  warning %s (%s): %s", d.addr, d.call, d.Summary)
		} else {
			m.logf("  %s", d)
		}
	}
}

// logPlan tells the story of a plan.
func (m *modelMachine) logPlan(p *tfPlan, ann removals) {
	for _, addr := range sortedKeys(p.changes) {
		ch := p.changes[addr]
		if ch.action == actNoOp {
			continue
		}
		var removed []string
		for id, r := range ann[addr] {
			removed = append(removed, m.personName(r.member)+" "+id)
		}
		sort.Strings(removed)
		extra := ""
		if len(removed) > 0 {
			extra = " removing " + strings.Join(removed, ", ")
		}
		if len(ch.replacePaths) > 0 {
			extra += " (replaced for " + strings.Join(ch.replacePaths, ", ") + ")"
		}
		m.logf("  plan: %s %s%s", ch.action, addr, extra)
	}
}

// --- invariants --------------------------------------------------------------

type keeper struct {
	container string
	person    int
}

// keepers are, for invariant 1, the people configured now whose active seat
// a resource's state records: each must keep that seat through the apply.
func (m *modelMachine) keepers(truth map[string]seatView) map[keeper]string {
	recorded := map[string]int{}
	for _, obj := range m.core.state {
		for _, s := range seatsIn(obj) {
			if p := personOfValue(s.value); p >= 0 && truth[s.id].active() && truth[s.id].memberID == modelPeople[p].memberID {
				recorded[s.id] = p
			}
		}
	}
	out := map[keeper]string{}
	for _, r := range m.cfg {
		for _, rc := range r.recipients {
			for id, p := range recorded {
				if p == rc.person && truth[id].container == r.container {
					out[keeper{r.container, p}] = id
				}
			}
		}
	}
	return out
}

// exempt are the people whose polar_customer_seat the plan replaces for a
// change of its own (metadata, immediate_claim, subscription): their seat
// is revoked and assigned again, as the plan shows.
func (m *modelMachine) exempt(p *tfPlan) map[keeper]bool {
	out := map[keeper]bool{}
	for addr, ch := range p.changes {
		r := m.cfg[addr]
		if r == nil || !r.seat || ch.action != actReplace {
			continue
		}
		own := len(ch.replacePaths) > 0 || (ch.prior != nil && ch.prior.tainted)
		for _, a := range ch.replacePaths {
			own = own && (a == "metadata" || a == "immediate_claim" || a == "subscription_id" || a == "order_id")
			// A person is a person: naming the holder of the seat another
			// way (form or spelling) is recorded in place, never a
			// replacement (which revokes them, and leaves them without a
			// seat if the apply stops between the two halves).
			if was := m.applied[addr]; slices.Contains(recipientAttrs, a) && was != nil && was.seat && ch.prior != nil && !ch.prior.tainted &&
				was.container == r.container && was.recipients[0].person == r.recipients[0].person {
				failStable(m.t, "invariant 1: a polar_customer_seat is replaced for naming its holder another way",
					"%s: %s → %s (replaced for %s)", addr, was.recipients[0], r.recipients[0], a)
			}
		}
		if own {
			out[keeper{r.container, r.recipients[0].person}] = true
		}
	}
	return out
}

// removals are, per resource, the seats its plan shows as removed, by id.
type removals map[string]map[string]removal

// removal is one assignment of a seat a plan shows as removed: its holder
// and which assignment of the row it is (a row is reused, even for the same
// person: a revoke must hit the assignment the plan showed).
type removal struct {
	member     string
	assignment int
}

// announced are, per resource, the seats its plan shows as removed (seat
// ids in its state that its planned seats no longer have; every seat of a
// resource destroyed or replaced), with the assignment of each at plan
// time.
func (m *modelMachine) announced(p *tfPlan, truth map[string]seatView) removals {
	out := removals{}
	for addr, ch := range p.changes {
		out[addr] = map[string]removal{}
		if ch.prior == nil || ch.action == actNoOp || ch.action == actCreate {
			continue
		}
		kept := map[string]bool{}
		if ch.action == actUpdate {
			for _, s := range seatsIn(&tfObject{typeName: ch.prior.typeName, value: ch.planned}) {
				kept[s.id] = true
			}
		}
		for _, s := range seatsIn(ch.prior) {
			if !kept[s.id] && truth[s.id].active() {
				out[addr][s.id] = removal{member: truth[s.id].memberID, assignment: m.assignments[s.id]}
			}
		}
	}
	return out
}

// checkReadOnly: validate, refresh, plan and import write nothing.
func (m *modelMachine) checkReadOnly(phase string, rm, cm int) {
	m.t.Helper()
	reqs, changes := m.proxy.since(rm, cm)
	for _, r := range reqs {
		if r.method != http.MethodGet {
			failStable(m.t, "invariant 2: a write during validate, refresh, plan or import", "%s sent %s %s during %s", r.source, r.method, r.path, phase)
		}
	}
	if len(changes) > 0 {
		failStable(m.t, "invariant 2: a write during validate, refresh, plan or import", "Polar changed during %s: %v", phase, changes)
	}
}

// checkWrites is invariant 2 over the requests and seat changes of an
// apply, and keeps the record of who manages each seat.
func (m *modelMachine) checkWrites(reqs []proxyRequest, changes []seatChange, p *tfPlan, ann removals) {
	m.t.Helper()
	for _, r := range reqs {
		phase, addr, _ := strings.Cut(r.source, " ")
		if r.method == http.MethodGet {
			continue
		}
		if phase != "apply" && phase != "delete" {
			failStable(m.t, "invariant 2: a write during validate, refresh, plan or import", "%s %s sent during %s of %s", r.method, r.path, phase, addr)
		}
		if r.method == http.MethodDelete {
			if _, ok := ann[addr][path.Base(r.path)]; !ok {
				failStable(m.t, "invariant 2: a DELETE of a seat its plan did not show as removed", "%s sent DELETE %s (its plan showed %v)",
					addr, path.Base(r.path), m.described(ann[addr]))
			}
		}
	}
	for _, c := range changes {
		_, addr, _ := strings.Cut(c.source, " ")
		revoked := c.from.active() && !c.to.active()
		assigned := c.to.active() && (!c.from.active() || c.from.memberID != c.to.memberID)
		if revoked {
			who := m.personName(c.from.memberID)
			want, ok := ann[addr][c.seatID]
			if !ok || want.member != c.from.memberID {
				failStable(m.t, "invariant 2: a revoke hit another person than its plan showed", "%s revoked %s's seat %s, but its plan showed the removal of %v",
					addr, who, c.seatID, m.described(ann[addr]))
			}
			if want.assignment != m.assignments[c.seatID] {
				failStable(m.t, "invariant 2: a revoke hit the row's next assignment", "%s revoked seat %s after the row was assigned again "+
					"(to %s, in this apply): its plan showed the removal of the assignment before", addr, c.seatID, who)
			}
			if !m.manages(p, addr, c.seatID) && !m.exclusiveMayRevoke(p, addr) {
				failStable(m.t, "invariant 2: a resource revoked a seat it does not manage", "%s revoked %s's seat %s, which it does not manage "+
					"(managed by %q) and is not exclusive in state and configuration", addr, who, c.seatID, m.manager[c.seatID])
			}
			delete(m.manager, c.seatID)
		}
		if assigned {
			m.assignments[c.seatID]++
			person := personOfMember(c.to.memberID)
			if r := m.cfg[addr]; r == nil || r.index(person) < 0 {
				failStable(m.t, "invariant 2: a seat assigned to a person its resource does not name", "%s assigned seat %s to %s",
					addr, c.seatID, m.personName(c.to.memberID))
			}
			m.manager[c.seatID] = addr
		}
	}
}

// manages reports whether a resource manages a seat: it assigned,
// imported or adopted it, or its state records the seat for a person its
// configuration names, now or at the last apply. A seat an exclusive
// resource only found is not managed by it.
func (m *modelMachine) manages(p *tfPlan, addr, seatID string) bool {
	if m.manager[seatID] == addr {
		return true
	}
	ch := p.changes[addr]
	if ch == nil {
		return false
	}
	names := func(c mConfig, person int) bool { r := c[addr]; return r != nil && r.index(person) >= 0 }
	for _, s := range seatsIn(ch.prior) {
		if p := personOfValue(s.value); s.id == seatID && (names(m.cfg, p) || names(m.applied, p) || stateNames(ch.prior, p)) {
			return true
		}
	}
	return false
}

// stateNames reports whether a resource's state names a person among its
// recipients (not only among the seats an exclusive resource found): a
// resource being destroyed manages the seats of the people it names, even
// when Polar gave one of them their seat again (a reissue it follows).
func stateNames(obj *tfObject, person int) bool {
	if obj == nil {
		return false
	}
	var attrs map[string]tftypes.Value
	if obj.value.IsNull() || !obj.value.IsKnown() || obj.value.As(&attrs) != nil {
		return false
	}
	for _, name := range []string{"email", "member_id", "external_member_id"} {
		// A polar_customer_seat names its one person.
		if v := stringAttr(obj.value, name); v != "" && personOfValue(v) == person {
			return true
		}
	}
	var byEmail map[string]tftypes.Value
	if v, ok := attrs["email_recipients"]; ok && v.IsKnown() && !v.IsNull() && v.As(&byEmail) == nil {
		for email := range byEmail {
			if personOfValue(email) == person {
				return true
			}
		}
	}
	for _, name := range []string{"emails", "member_ids", "external_member_ids"} {
		var elems []tftypes.Value
		if v, ok := attrs[name]; !ok || v.IsNull() || !v.IsKnown() || v.As(&elems) != nil {
			continue
		}
		for _, e := range elems {
			var str string
			if e.As(&str) == nil && personOfValue(str) == person {
				return true
			}
		}
	}
	return false
}

// exclusiveMayRevoke: a resource exclusive in state and configuration (or
// an exclusive one being destroyed or replaced) revokes seats it found.
func (m *modelMachine) exclusiveMayRevoke(p *tfPlan, addr string) bool {
	ch := p.changes[addr]
	if ch == nil || ch.prior == nil || !exclusiveIn(ch.prior) {
		return false
	}
	r := m.cfg[addr]
	return ch.action == actDelete || ch.action == actReplace || (r != nil && r.exclusive)
}

// checkKeepers is invariant 1.
func (m *modelMachine) checkKeepers(keepers map[keeper]string, exempt map[keeper]bool, assigned map[string]int) {
	m.t.Helper()
	truth := m.truth()
	for k, id := range keepers {
		p := modelPeople[k.person]
		if exempt[k] {
			continue
		}
		if v := truth[id]; !v.active() || v.memberID != p.memberID {
			failStable(m.t, "invariant 1: a person configured before and after an apply lost their seat", "%s lost seat %s of subscription %s (now %s, held by %s)",
				p.name, id, subName(k.container), v.status, m.personName(v.memberID))
		}
		// Polar gives a revoked row back to the next person assigned, so
		// a revoke and a new invitation can leave the same person on the
		// same row: the row's assignment count tells.
		if m.assignments[id] != assigned[id] {
			failStable(m.t, "invariant 1: a person configured before and after an apply was revoked and invited again", "%s's seat %s of subscription %s was assigned again in this apply",
				p.name, id, subName(k.container))
		}
	}
}

// adoptFromState: a seat a resource records for a person it configures is
// that resource's to manage (adopted, or assigned by it).
func (m *modelMachine) adoptFromState() {
	truth := m.truth()
	for addr, obj := range m.core.state {
		r := m.cfg[addr]
		if r == nil {
			continue
		}
		for _, s := range seatsIn(obj) {
			p := personOfValue(s.value)
			if p >= 0 && r.index(p) >= 0 && truth[s.id].active() && truth[s.id].memberID == modelPeople[p].memberID {
				m.manager[s.id] = addr
			}
		}
	}
}

// checkNoOrphans is invariant 5: every seat the provider assigned in this
// apply that is still active is in some resource's state.
func (m *modelMachine) checkNoOrphans(changes []seatChange, diags []tfDiag) {
	m.t.Helper()
	truth := m.truth()
	// A held assignment that landed late, for a resource whose apply said
	// its outcome was unknown, may be in no state: the apply said so, and
	// the next plan finds the seat assigned outside Terraform.
	unknown := map[string]bool{}
	for _, d := range diags {
		if d.Summary == "Seat assignment outcome unknown" {
			unknown["apply "+d.addr] = true
		}
	}
	inState := map[string]bool{}
	for _, obj := range m.core.state {
		for _, s := range seatsIn(obj) {
			inState[s.id] = true
		}
	}
	for _, c := range changes {
		if c.source == "world" || !c.to.active() || (c.from.active() && c.from.memberID == c.to.memberID) || (c.late && unknown[c.source]) {
			continue
		}
		if v := truth[c.seatID]; v.active() && v.memberID == c.to.memberID && !inState[c.seatID] {
			failStable(m.t, "invariant 5: a seat the provider assigned is in no state (an orphan)", "seat %s, assigned to %s by %s",
				c.seatID, m.personName(c.to.memberID), c.source)
		}
	}
}

// checkConverged is invariant 3, after a successful apply.
func (m *modelMachine) checkConverged() {
	m.t.Helper()
	truth := m.truth()
	for _, r := range m.cfg {
		for _, rc := range r.recipients {
			n := len(m.activeSeats(func(v seatView) bool {
				return v.container == r.container && v.memberID == modelPeople[rc.person].memberID
			}))
			if n != 1 {
				failStable(m.t, "invariant 3: after a successful apply a configured person does not hold exactly one seat", "%s, configured in %s, holds %d "+
					"active seats of subscription %s", rc, r.addr, n, subName(r.container))
			}
		}
	}
	for _, addr := range sortedKeys(m.core.state) {
		for _, s := range seatsIn(m.core.state[addr]) {
			v, p := truth[s.id], personOfValue(s.value)
			if p < 0 || !v.active() || v.memberID != modelPeople[p].memberID || v.status != s.status {
				failStable(m.t, "invariant 3: after a successful apply state and Polar differ", "the state of %s says %s holds seat %s (%s); Polar says %s, held by %s",
					addr, s.value, s.id, s.status, v.status, m.personName(v.memberID))
			}
		}
	}
	rm, cm := m.proxy.mark()
	p := m.core.plan(m.ctx, planNormal, false)
	m.checkReadOnly("plan", rm, cm)
	if p.errored() {
		failStable(m.t, "invariant 3: the plan after a successful apply fails", "%v", modelErrors(p.diags))
	}
	for _, addr := range sortedKeys(p.changes) {
		ch := p.changes[addr]
		if ch.action == actNoOp || m.exclusiveFound(addr, ch) {
			continue
		}
		failStable(m.t, "invariant 3: the plan after a successful apply is not empty", "%s %s (replace for %v)\n  prior   %s\n  planned %s",
			ch.action, addr, ch.replacePaths, ch.prior.value, ch.planned)
	}
}

// exclusiveFound: the only change is an exclusive resource removing seats
// of people it does not configure (found by refresh; revoked by the next
// apply, as its plan shows).
func (m *modelMachine) exclusiveFound(addr string, ch *tfChange) bool {
	r := m.cfg[addr]
	if r == nil || !r.exclusive || ch.action != actUpdate || ch.prior == nil {
		return false
	}
	// By person and seat: the plan may also spell a kept person as the
	// configuration does now.
	planned := map[string]bool{}
	for _, s := range seatsIn(&tfObject{typeName: ch.prior.typeName, value: ch.planned}) {
		planned[fmt.Sprint(personOfValue(s.value), s.id)] = true
	}
	prior := map[string]bool{}
	for _, s := range seatsIn(ch.prior) {
		k := fmt.Sprint(personOfValue(s.value), s.id)
		prior[k] = true
		if !planned[k] && r.index(personOfValue(s.value)) >= 0 {
			return false
		}
	}
	for k := range planned {
		if !prior[k] {
			return false
		}
	}
	return true
}

// --- reading the world and the state -------------------------------------------

// stateContainer is the subscription a resource in state is on.
func (m *modelMachine) stateContainer(addr string) string {
	var attrs map[string]tftypes.Value
	if obj := m.core.state[addr]; obj != nil && obj.value.As(&attrs) == nil {
		if id := stringOf(attrs["subscription_id"]); id != "" {
			return id
		}
	}
	return modelSubA
}

func (m *modelMachine) truth() map[string]seatView { return seatViews(m.emu.State()) }

func (m *modelMachine) personName(memberID string) string {
	if p := personOfMember(memberID); p >= 0 {
		return modelPeople[p].name
	}
	if memberID == "" {
		return "nobody"
	}
	return "member " + memberID
}

func (m *modelMachine) described(seats map[string]removal) []string {
	var out []string
	for id, r := range seats {
		out = append(out, m.personName(r.member)+"'s seat "+id)
	}
	sort.Strings(out)
	return out
}

func personOfMember(memberID string) int {
	for i, p := range modelPeople {
		if p.memberID == memberID {
			return i
		}
	}
	return -1
}

// personOfValue is the person a recipient value names, in any form.
func personOfValue(v string) int {
	for i, p := range modelPeople {
		if v == p.memberID || v == p.extID || (strings.Contains(v, "@") && emailaddr.Equal(v, p.email(0))) {
			return i
		}
	}
	return -1
}

// stateSeat is one seat a state object records: the recipient value that
// names it, its id and status.
type stateSeat struct{ value, id, status string }

// seatsIn reads the seats a state (or planned) object records: an
// assignments resource's seats map, a seat resource's own seat (named by
// its member id, email or external member id). Unknown seats are left out.
func seatsIn(obj *tfObject) []stateSeat {
	if obj == nil || obj.value.IsNull() || !obj.value.IsKnown() {
		return nil
	}
	var attrs map[string]tftypes.Value
	if err := obj.value.As(&attrs); err != nil {
		return nil
	}
	if obj.typeName == seatType {
		id := stringOf(attrs["id"])
		if id == "" {
			return nil
		}
		value := ""
		for _, a := range []string{"member_id", "email", "external_member_id"} {
			if value = stringOf(attrs[a]); value != "" {
				break
			}
		}
		return []stateSeat{{value: value, id: id, status: stringOf(attrs["status"])}}
	}
	var seats map[string]tftypes.Value
	if !attrs["seats"].IsKnown() || attrs["seats"].IsNull() || attrs["seats"].As(&seats) != nil {
		return nil
	}
	var out []stateSeat
	for _, v := range sortedKeys(seats) {
		var entry map[string]tftypes.Value
		if !seats[v].IsKnown() || seats[v].IsNull() || seats[v].As(&entry) != nil {
			continue
		}
		if id := stringOf(entry["id"]); id != "" {
			out = append(out, stateSeat{value: v, id: id, status: stringOf(entry["status"])})
		}
	}
	return out
}

func exclusiveIn(obj *tfObject) bool {
	var attrs map[string]tftypes.Value
	if obj == nil || obj.typeName != assignmentsType || obj.value.As(&attrs) != nil {
		return false
	}
	var b bool
	return attrs["exclusive"].IsKnown() && !attrs["exclusive"].IsNull() && attrs["exclusive"].As(&b) == nil && b
}
