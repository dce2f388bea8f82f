package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// The transitions of the seat resources through the real Terraform CLI
// (what the plan shows and what apply sends); the protocol-level tests in
// transitions_protocol_test.go show each refusal in both plan orders.

// cliSeats reads the seats map of an assignments resource from a CLI
// working directory's state: recipient -> seat id.
func cliSeats(t *testing.T, dir, addr string) map[string]string {
	t.Helper()
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				Attributes struct {
					Seats map[string]struct{ ID string }
				}
			}
		}
	}
	readCLIState(t, dir, &state)
	out := map[string]string{}
	for _, r := range state.Resources {
		if r.Mode == "managed" && r.Type+"."+r.Name == addr && len(r.Instances) == 1 {
			for k, v := range r.Instances[0].Attributes.Seats {
				out[k] = v.ID
			}
		}
	}
	return out
}

// cliRun is one Terraform command whose exit code and output the test
// checks, and what it sent to Polar.
type cliRun struct {
	t   *testing.T
	e   *accEnv
	tf  func(args ...string) (string, error)
	dir string
}

// run runs a command and returns its output, its exit code and the
// assignments and revokes it sent.
func (c *cliRun) run(args ...string) (out string, code, posts, deletes int) {
	c.t.Helper()
	c.e.resetRequests()
	out, err := c.tf(args...)
	if err != nil {
		code = -1
		if ee, ok := err.(interface{ ExitCode() int }); ok {
			code = ee.ExitCode()
		}
	}
	_, by := c.e.requests()
	return out, code, by["POST /v1/customer-seats"], by["DELETE /v1/customer-seats/{seat_id}"]
}

// write replaces the configuration.
func (c *cliRun) write(body string) { writeConfig(c.t, c.dir, body) }

// mustApply applies (with args) and fails the test unless apply succeeds
// with exactly the given assignments and revokes, and its output — the
// plan, its warnings, apply's own — matches every pattern.
func (c *cliRun) mustApply(args []string, wantPosts, wantDeletes int, patterns ...string) {
	c.t.Helper()
	out, code, posts, deletes := c.run(append([]string{"apply", "-auto-approve"}, args...)...)
	if code != 0 || posts != wantPosts || deletes != wantDeletes {
		c.t.Fatalf("apply %v: exit %d, %d assignments and %d revokes (want %d and %d):\n%s", args, code, posts, deletes, wantPosts, wantDeletes, out)
	}
	c.match("apply", out, patterns)
}

// mustPlan plans with -detailed-exitcode and fails the test unless the exit
// code is want (0 empty, 1 error, 2 changes), nothing was written and the
// output matches every pattern.
func (c *cliRun) mustPlan(want int, patterns ...string) {
	c.t.Helper()
	out, code, posts, deletes := c.run("plan", "-detailed-exitcode")
	if code != want || posts+deletes != 0 {
		c.t.Fatalf("plan: exit %d (want %d), %d writes:\n%s", code, want, posts+deletes, out)
	}
	c.match("plan", out, patterns)
}

// match fails the test unless out, whitespace collapsed, matches every
// pattern.
func (c *cliRun) match(what, out string, patterns []string) {
	c.t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(flat) {
			c.t.Fatalf("%s output does not match %q:\n%s", what, p, out)
		}
	}
}

func (e *accEnv) cliRun(cfg string) *cliRun {
	dir, tf := e.cliWorkspace(cfg)
	return &cliRun{t: e.t, e: e, tf: tf, dir: dir}
}

// binaryCLIRun is cliRun with the built provider binary: Terraform starts
// a provider process for each walk of a command, and they share their
// claims through files (claims_siblings.go), as for a user.
func (e *accEnv) binaryCLIRun(cfg string) *cliRun {
	c := e.cliRun(cfg)
	run := terraformBinaryCLI(e.t, "POLAR_SERVER_URL="+e.url, "POLAR_ACCESS_TOKEN="+e.token)
	c.tf = func(args ...string) (string, error) { return run(c.dir, args...) }
	return c
}

// One team through the transitions that must not cost anyone a seat:
// exclusive true -> false keeps carol (the plan says she is left alone,
// apply sends no revoke); alice named by member id instead of email keeps
// her seat (no assignment, no revoke); one person under two forms is
// refused at plan; -replace revokes and invites everyone again, as asked;
// a new subscription_id replaces the resource (the old seats revoked, the
// new ones assigned).
func TestAccCustomerSeatAssignments_transitions_oneTeam(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	team := func(body string) string {
		return fmt.Sprintf("resource \"polar_customer_seat_assignments\" \"team\" {\n%s\n}\n", body)
	}
	sub := fmt.Sprintf("  subscription_id = %q\n", e.subscriptionID)
	c := e.cliRun(team(sub + `  emails = ["alice@acme.io", "bob@acme.io"]` + "\n  exclusive = true"))
	c.mustApply(nil, 2, 0)
	carol, err := e.client.AssignSeat(t.Context(), polar.SeatAssign{SubscriptionID: &e.subscriptionID, Email: str("carol@acme.io")})
	e.must(err)

	// exclusive off: carol left alone.
	c.write(team(sub + `  emails = ["alice@acme.io", "bob@acme.io"]` + "\n  exclusive = false"))
	c.mustApply(nil, 0, 0, `Warning: 1 seats left alone`, `carol@acme.io \(seat `+carol.ID+`\)`, `they keep their seats`, `1 to change`)
	if s, _ := e.list(e.sub()).Find(carol.ID); !s.Status.Active() {
		t.Fatalf("carol lost her seat: %+v", s)
	}
	c.mustPlan(0)

	// alice by member id: the same seat, nothing sent.
	before := cliSeats(t, c.dir, teamAddr)
	alice, _ := e.list(e.sub()).Find(before["alice@acme.io"])
	member := derefStr(alice.MemberID)
	c.write(team(sub + `  emails = ["bob@acme.io"]` + fmt.Sprintf("\n  member_ids = [%q]", member)))
	c.mustApply(nil, 0, 0, `alice@acme.io is now named by member_id "`+member+`" \(seat `+alice.ID+`\)`, `nothing is sent to Polar`, `1 to change`)
	if got := cliSeats(t, c.dir, teamAddr); got[member] != alice.ID || got["bob@acme.io"] != before["bob@acme.io"] || len(got) != 2 {
		t.Fatalf("seats after the rename %v, before %v", got, before)
	}
	c.mustPlan(0)

	// alice twice: refused, naming both.
	c.write(team(sub + `  emails = ["bob@acme.io", "ALICE@acme.io"]` + fmt.Sprintf("\n  member_ids = [%q]", member)))
	c.mustPlan(1, `Error: One person named twice`, `emails\[1\] \("ALICE@acme.io"\) and member_ids\[0\] \("`+member+`"\) name the same person`)

	// -replace: planned, then everyone revoked and invited again.
	c.write(team(sub + `  emails = ["bob@acme.io"]` + fmt.Sprintf("\n  member_ids = [%q]", member)))
	c.mustApply([]string{"-replace=" + teamAddr}, 2, 2, `will be replaced, as requested`,
		`Warning: Seats revoked to replace the resource`, regexp.QuoteMeta("bob@acme.io (seat "+before["bob@acme.io"]+")"))
	replaced := cliSeats(t, c.dir, teamAddr)
	for who, id := range replaced {
		if s, _ := e.list(e.sub()).Find(id); !s.Status.Active() {
			t.Fatalf("%s has no active seat after -replace: %+v", who, s)
		}
	}

	// Another container: a replacement; the subscription's seats revoked,
	// the order's assigned.
	c.write(team(fmt.Sprintf("  order_id = %q\n", e.orderID) + `  emails = ["bob@acme.io"]` + fmt.Sprintf("\n  member_ids = [%q]", member)))
	c.mustPlan(2, `must be replaced`, `Warning: A new container replaces the resource`, `1 to add, 0 to change, 1 to destroy`)
	c.mustApply(nil, 2, 2)
	for who, id := range replaced {
		if s, _ := e.list(e.sub()).Find(id); s.Status != polar.SeatStatusRevoked {
			t.Fatalf("%s's seat in the old subscription is %s", who, s.Status)
		}
	}
	if got := cliSeats(t, c.dir, teamAddr); len(got) != 2 || got["bob@acme.io"] == "" {
		t.Fatalf("seats in the order: %v", got)
	}
	c.mustPlan(0)
}

// A container imported (recorded by email) into a configuration naming its
// person by external member id: one in-place update that sends nothing,
// then an empty plan. The import releases the person it does not name.
func TestAccCustomerSeatAssignments_transitions_importIntoExternalMemberIDs(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	order := polar.Container{Kind: polar.ContainerOrder, ID: e.orderID}
	erin, err := e.client.AssignSeat(t.Context(), polar.SeatAssign{OrderID: &e.orderID, Email: str("erin@acme.io")})
	e.must(err)
	other, err := e.client.AssignSeat(t.Context(), polar.SeatAssign{OrderID: &e.orderID, Email: str("other@acme.io")})
	e.must(err)
	c := e.cliRun(fmt.Sprintf(`
import {
  to = polar_customer_seat_assignments.team
  id = "order/%s"
}
resource "polar_customer_seat_assignments" "team" {
  order_id            = %q
  external_member_ids = ["emp_erin"]
}
`, e.orderID, e.orderID))
	c.mustApply(nil, 0, 0, `1 to import, 0 to add, 1 to change, 0 to destroy`, `exclusive = false`,
		`erin@acme.io is now named by external_member_id "emp_erin" \(seat `+erin.ID+`\)`, `other@acme.io \(seat `+other.ID+`\)`, `keep their seats`)
	if got := cliSeats(t, c.dir, teamAddr); got["emp_erin"] != erin.ID || len(got) != 1 {
		t.Fatalf("seats after the import %v", got)
	}
	if s, _ := e.list(order).Find(other.ID); !s.Status.Active() {
		t.Fatalf("the import revoked a person the configuration does not name: %+v", s)
	}
	c.mustPlan(0)
}

// An exclusive resource whose recipients are known only at apply, beside
// another seat resource of its container: refused at plan, nothing sent.
func TestAccCustomerSeatAssignments_transitions_exclusiveWithUnknownRecipientsRefused(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	c := e.cliRun(fmt.Sprintf(`
resource "terraform_data" "people" {
  input = ["ann@acme.io"]
}
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = terraform_data.people.output
  exclusive       = true
}
resource "polar_customer_seat" "solo" {
  subscription_id = %q
  email           = "solo@acme.io"
}
`, e.subscriptionID, e.subscriptionID))
	c.mustPlan(1, `Error: Two resources manage the seats of one subscription`, `known only at apply`)
}

// People moving between resources: team -> team, seat -> team and
// team -> seat are each refused at plan with the recipe for the
// direction, and each recipe then moves the person with no revoke and no
// assignment: every seat keeps its id from the first apply to the last.
// Run with the built binary: the claims of a command's walks are those of
// separate processes, as for a user.
func TestAccCustomerSeatAssignments_transitions_moves(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	team := func(name string, emails ...string) string {
		return fmt.Sprintf("resource \"polar_customer_seat_assignments\" %q {\n  subscription_id = %q\n  emails = [\"%s\"]\n}\n",
			name, e.subscriptionID, strings.Join(emails, `", "`))
	}
	seat := func(name, email string) string {
		return fmt.Sprintf("resource \"polar_customer_seat\" %q {\n  subscription_id = %q\n  email = %q\n}\n", name, e.subscriptionID, email)
	}
	forget := func(addr string) string {
		return fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", addr)
	}
	imp := func(addr, id string) string { return fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, id) }
	const alice, bob, carol, dave = "alice@acme.io", "bob@acme.io", "carol@acme.io", "dave@acme.io"
	refused := []string{`Error: A seat moves between two resources`, `Nothing has been sent`, `removed \{ from = `, `destroy = false`}
	active := func() map[string]string {
		out := map[string]string{}
		for _, s := range e.activeSeats(e.sub()) {
			out[derefStr(s.Email)] = s.ID
		}
		return out
	}

	c := e.binaryCLIRun(team("a", alice, carol) + team("b", bob) + seat("x", dave))
	c.mustApply(nil, 4, 0)
	start := active()

	// team -> team: refused; forget a, b adopts alice; then a comes back by import.
	c.write(team("a", carol) + team("b", bob, alice) + seat("x", dave))
	c.mustPlan(1, append(refused, `\(`+alice+`\)`, `Apply 2`, `id = "subscription/`+e.subscriptionID+`"`)...)
	c.write(forget("polar_customer_seat_assignments.a") + team("b", bob, alice) + seat("x", dave))
	c.mustApply(nil, 0, 0)
	c.write(imp("polar_customer_seat_assignments.a", "subscription/"+e.subscriptionID) + team("a", carol) + team("b", bob, alice) + seat("x", dave))
	c.mustApply(nil, 0, 0)
	c.mustPlan(0)
	if got := cliSeats(t, c.dir, "polar_customer_seat_assignments.b"); got[alice] != start[alice] {
		t.Fatalf("b holds %v, want alice's seat %s", got, start[alice])
	}

	// seat -> team: refused; forget the seat, b adopts dave, in one apply.
	c.write(team("a", carol) + team("b", bob, alice, dave))
	c.mustPlan(1, append(refused, `\(`+dave+`\)`, `from = polar_customer_seat.<name>`)...)
	c.write(forget("polar_customer_seat.x") + team("a", carol) + team("b", bob, alice, dave))
	c.mustApply(nil, 0, 0)

	// team -> seat: refused; forget b, import dave's seat into y; then b
	// comes back by import.
	y := imp("polar_customer_seat.y", "subscription/"+e.subscriptionID+"/"+start[dave]) + seat("y", dave)
	c.write(team("a", carol) + team("b", bob, alice) + y)
	c.mustPlan(1, append(refused, `\(`+dave+`\)`, `to = polar_customer_seat.<name>`, `Apply 2`)...)
	c.write(forget("polar_customer_seat_assignments.b") + team("a", carol) + y)
	c.mustApply(nil, 0, 0)
	c.write(imp("polar_customer_seat_assignments.b", "subscription/"+e.subscriptionID) + team("a", carol) + team("b", bob, alice) + seat("y", dave))
	c.mustApply(nil, 0, 0)
	c.write(team("a", carol) + team("b", bob, alice) + seat("y", dave))
	c.mustPlan(0)

	if end := active(); fmt.Sprint(end) != fmt.Sprint(start) {
		t.Fatalf("active seats changed: %v, at the start %v", end, start)
	}
	if ids := cliStateIDs(t, c.dir); ids["polar_customer_seat.y"] != start[dave] {
		t.Fatalf("y holds %s, want dave's seat %s", ids["polar_customer_seat.y"], start[dave])
	}
}
