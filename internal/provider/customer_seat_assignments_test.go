package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

const teamAddr = "polar_customer_seat_assignments.team"

// team is an assignments resource for the test subscription.
func (e *accEnv) team(extra string, emails ...string) string {
	var quoted []string
	for _, m := range emails {
		quoted = append(quoted, fmt.Sprintf("%q", m))
	}
	return e.config(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%s]
%s}`, e.subscriptionID, strings.Join(quoted, ", "), extra)
}

// teamSeatIDs reads the seats map from state: recipient -> seat id.
func teamSeatIDs(s *terraform.State) map[string]string {
	out := map[string]string{}
	rs := s.RootModule().Resources[teamAddr]
	if rs == nil {
		return out
	}
	for k, v := range rs.Primary.Attributes {
		if rest, ok := strings.CutPrefix(k, "seats."); ok && strings.HasSuffix(rest, ".id") {
			out[strings.TrimSuffix(rest, ".id")] = v
		}
	}
	return out
}

// Create, an unchanged plan under another spelling, an in-place change that
// touches only the recipients added and removed, a seat revoked outside
// Terraform assigned again, destroy.
func TestAccSeatAssignments_lifecycle(t *testing.T) {
	e := newAccEnv(t)
	alice, bob, carol, dave := e.email("alice"), e.email("bob"), e.email("carol"), e.email("dave")
	var first map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config:           e.team("", alice, bob, carol),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionCreate)}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(teamAddr, tfjsonpath.New("id"), knownvalue.StringExact("subscription/"+e.subscriptionID)),
				statecheck.ExpectKnownValue(teamAddr, tfjsonpath.New("seats").AtMapKey(alice).AtMapKey("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue(teamAddr, tfjsonpath.New("exclusive"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(teamAddr, tfjsonpath.New("seats"), knownvalue.MapSizeExact(3)),
			},
			Check: func(s *terraform.State) error {
				first = teamSeatIDs(s)
				for _, m := range []string{alice, bob, carol} {
					seat, ok := e.list(e.sub()).Find(first[m])
					if !ok || !seat.Status.Active() || !strings.EqualFold(derefStr(seat.Email), m) {
						return fmt.Errorf("seat of %s not active at Polar: %+v", m, seat)
					}
				}
				return nil
			},
		}, {
			// The same people, in another order and spelled as Polar stores
			// them differently: no diff.
			Config:           e.team("", carol, strings.ToUpper(alice), bob),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}, {
			// carol out, dave in: an update that touches only those two.
			PreConfig:        e.resetRequests,
			Config:           e.team("", alice, bob, dave),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate)}},
			Check: func(s *terraform.State) error {
				now := teamSeatIDs(s)
				if now[alice] != first[alice] || now[bob] != first[bob] || now[dave] == "" || now[carol] != "" {
					return fmt.Errorf("seats %v after the change, first %v", now, first)
				}
				// Polar reuses carol's revoked row for dave: what counts is
				// that carol holds no seat.
				for _, seat := range e.activeSeats(e.sub()) {
					if strings.EqualFold(derefStr(seat.Email), carol) {
						return fmt.Errorf("carol still holds seat %s", seat.ID)
					}
				}
				if _, by := e.requests(); by["POST /v1/customer-seats"] != 1 || by["DELETE /v1/customer-seats/{seat_id}"] != 1 {
					return fmt.Errorf("the change made %v, want one assignment and one revoke", by)
				}
				first = now
				return nil
			},
		}, {
			// bob's seat revoked outside Terraform is drift: refresh drops it
			// with a warning, the plan assigns it again, nobody else is touched.
			PreConfig: func() {
				_, err := e.client.RevokeSeat(context.Background(), first[bob])
				e.must(err)
			},
			Config: e.team("", alice, bob, dave),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(teamAddr, tfjsonpath.New("seats").AtMapKey(bob)),
				plancheck.ExpectKnownValue(teamAddr, tfjsonpath.New("seats").AtMapKey(alice).AtMapKey("id"), knownvalue.NotNull()),
			}},
			Check: func(s *terraform.State) error {
				now := teamSeatIDs(s)
				if now[alice] != first[alice] || now[dave] != first[dave] || now[bob] == "" {
					return fmt.Errorf("seats %v after the drift, before %v", now, first)
				}
				if seat, _ := e.list(e.sub()).Find(now[bob]); !seat.Status.Active() {
					return fmt.Errorf("bob's new seat is not active: %+v", seat)
				}
				return nil
			},
		}},
	})
}

// exclusive = true: a seat held by someone not listed is read into state,
// shown by the plan as a removal with its email and seat id, and revoked by
// apply. exclusive = false leaves it alone.
func TestAccSeatAssignments_exclusive(t *testing.T) {
	e := newAccEnv(t)
	alice, outsider := e.email("alice"), e.email("outsider")
	outsiderSeat, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &e.subscriptionID, Email: &outsider})
	e.must(err)
	shownAsRemoval := removalShown{addr: teamAddr, email: outsider, seatID: outsiderSeat.ID}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			// Not exclusive: the outsider is not this resource's business.
			Config: e.team("", alice),
			Check: func(*terraform.State) error {
				if s, _ := e.list(e.sub()).Find(outsiderSeat.ID); !s.Status.Active() {
					return fmt.Errorf("non-exclusive resource touched the outsider's seat: %+v", s)
				}
				return nil
			},
		}, {
			// Turning exclusive on touches nobody in this apply (the plan
			// warns that the next plan shows the outsider's removal).
			Config:             e.team("  exclusive = true\n", alice),
			ExpectNonEmptyPlan: true,
			Check: func(*terraform.State) error {
				if s, _ := e.list(e.sub()).Find(outsiderSeat.ID); !s.Status.Active() {
					return fmt.Errorf("turning exclusive on revoked the outsider at once: %+v", s)
				}
				return nil
			},
		}, {
			// Now the refresh reads the outsider in, and the plan removes them.
			Config: e.team("  exclusive = true\n", alice),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate), shownAsRemoval,
			}},
			Check: func(*terraform.State) error {
				if s, _ := e.list(e.sub()).Find(outsiderSeat.ID); s.Status != polar.SeatStatusRevoked {
					return fmt.Errorf("exclusive apply left the outsider's seat: %+v", s)
				}
				return nil
			},
		}},
	})
}

// removalShown checks that a plan shows a recipient leaving emails, and its
// seat id leaving seats: what a reviewer sees before apply revokes it.
type removalShown struct{ addr, email, seatID string }

func (c removalShown) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	before, after, ok := changeOf(req, c.addr)
	if !ok {
		resp.Error = fmt.Errorf("no change for %s", c.addr)
		return
	}
	inBefore := slices.Contains(anySlice(before["emails"]), any(c.email))
	inAfter := slices.Contains(anySlice(after["emails"]), any(c.email))
	seat, _ := before["seats"].(map[string]any)[c.email].(map[string]any)
	_, stillAfter := after["seats"].(map[string]any)[c.email]
	if !inBefore || inAfter || seat["id"] != c.seatID || stillAfter {
		resp.Error = fmt.Errorf("plan does not show %s (seat %s) removed: before %v, after %v", c.email, c.seatID, before, after)
	}
}

// changeOf returns the planned change of a resource: its values before and
// after.
func changeOf(req plancheck.CheckPlanRequest, addr string) (before, after map[string]any, ok bool) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == addr {
			before, _ = rc.Change.Before.(map[string]any)
			after, _ = rc.Change.After.(map[string]any)
			return before, after, true
		}
	}
	return nil, nil, false
}

// nothingDestroyedOrCreated checks that a plan deletes and creates nothing
// (forgetting a resource is neither).
type nothingDestroyedOrCreated struct{}

func (nothingDestroyedOrCreated) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change.Actions.Delete() || rc.Change.Actions.Create() || rc.Change.Actions.Replace() {
			resp.Error = fmt.Errorf("%s: %v", rc.Address, rc.Change.Actions)
			return
		}
	}
}

func anySlice(v any) []any { s, _ := v.([]any); return s }

// onlyExclusiveSet checks that the plan of an imported assignments resource
// changes nothing but exclusive, from null (import cannot know it) to the
// configured value.
type onlyExclusiveSet struct{ addr string }

func (c onlyExclusiveSet) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	before, after, ok := changeOf(req, c.addr)
	if !ok {
		resp.Error = fmt.Errorf("no change for %s", c.addr)
		return
	}
	for k, v := range after {
		if k != "exclusive" && fmt.Sprint(before[k]) != fmt.Sprint(v) {
			resp.Error = fmt.Errorf("the plan after import changes %s: %v -> %v", k, before[k], v)
			return
		}
	}
	if before["exclusive"] != nil || after["exclusive"] == nil {
		resp.Error = fmt.Errorf("exclusive %v -> %v, want null -> the configured value", before["exclusive"], after["exclusive"])
	}
}

// Two resources that would fight over one container fail the plan, before
// any write; two that manage different people in it do not.
func TestAccSeatAssignments_conflictsRefusedAtPlan(t *testing.T) {
	e := newAccEnv(t)
	alice, bob := e.email("alice"), e.email("bob")
	pair := func(a, b string) string {
		return e.config(`
resource "polar_customer_seat_assignments" "one" {
  subscription_id = %q
  %s
}
resource "polar_customer_seat_assignments" "two" {
  subscription_id = %q
  %s
}`, e.subscriptionID, a, e.subscriptionID, b)
	}
	list := func(m ...string) string {
		var q []string
		for _, x := range m {
			q = append(q, fmt.Sprintf("%q", x))
		}
		return "emails = [" + strings.Join(q, ", ") + "]"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: pair(list(alice)+"\n  exclusive = true", list(bob)), PlanOnly: true,
			ExpectError: regexp.MustCompile(`Two resources manage the seats of one subscription[\s\S]*revoke\s+the\s+other's\s+seats`),
		}, {
			Config: pair(list(alice), list(alice, bob)), PlanOnly: true,
			ExpectError: regexp.MustCompile(`both manage\s+` + regexp.QuoteMeta(alice)),
		}, {
			Config: e.config(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%q]
  exclusive       = true
}
resource "polar_customer_seat" "solo" {
  subscription_id = %q
  email           = %q
}`, e.subscriptionID, alice, e.subscriptionID, bob), PlanOnly: true,
			ExpectError: regexp.MustCompile(`exclusive\s+=\s+true[\s\S]*a\s+polar_customer_seat\s+for|a\s+polar_customer_seat\s+for[\s\S]*exclusive\s+=\s+true`),
		}, {
			// Different people, not exclusive: fine.
			Config: pair(list(alice), list(bob)), PlanOnly: true, ExpectNonEmptyPlan: true,
		}},
	})
	if _, by := e.requests(); by["POST /v1/customer-seats"] != 0 {
		t.Fatalf("refused plans wrote: %v", by)
	}
}

// Bad input fails at validate or plan time naming the attribute, with no
// API call.
func TestAccSeatAssignments_badInput(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	team := func(body string) string {
		return fmt.Sprintf("resource \"polar_customer_seat_assignments\" \"NAME\" {\n  subscription_id = %q\n  %s\n}", e.subscriptionID, body)
	}
	e.validateRefusesEach([]badInput{
		{"bad email", team(`emails = ["not-an-email"]`), regexp.MustCompile(`emails\[0\] "not-an-email" is not an email address`)},
		{"same mailbox twice", team(`emails = ["a@acme.io", "A@ACME.IO"]`), regexp.MustCompile(`Recipient listed twice`)},
		{"member id not a uuid", team(`member_ids = ["nope"]`), regexp.MustCompile(`Invalid UUID[\s\S]*member_ids\[0\] must be a[\s\S]*got\s+"nope"`)},
		{"empty external member id", team(`external_member_ids = [""]`), regexp.MustCompile(`external_member_ids\[0\] string length must be at least 1`)},
		{"two containers", team("emails = [\"x@acme.io\"]\n  order_id = \"" + e.orderID + "\""), regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes`)},
		{"one value in two lists", team("emails = [\"emp_1@acme.io\"]\n  external_member_ids = [\"emp_1@acme.io\"]"), regexp.MustCompile(`"emp_1@acme.io" is in both emails and\s+external_member_ids`)},
		{"NUL in an external member id", team(`external_member_ids = ["a\u0000b"]`), regexp.MustCompile(`external_member_ids\[0\] contains a NUL character`)},
	})
}

// Import by container adopts every active seat, and a configuration that
// lists the same people plans one in-place update that only records
// exclusive (import cannot know it), with no write.
func TestAccSeatAssignments_importContainer(t *testing.T) {
	e := newAccEnv(t)
	alice, bob := e.email("alice"), e.email("bob")
	for _, m := range []string{alice, bob} {
		_, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &e.subscriptionID, Email: &m})
		e.must(err)
	}
	e.resetRequests()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config:      e.team("", "Garbage@acme.io") + fmt.Sprintf("\nimport {\n  to = %s\n  id = \"subscription/%s/extra\"\n}\n", teamAddr, e.subscriptionID),
			ExpectError: regexp.MustCompile(`expected subscription/<subscription_id> or\s+order/<order_id>`),
		}, {
			Config: e.team("", bob, alice) + fmt.Sprintf("\nimport {\n  to = %s\n  id = \"subscription/%s\"\n}\n", teamAddr, e.subscriptionID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate),
				onlyExclusiveSet{addr: teamAddr},
				plancheck.ExpectKnownValue(teamAddr, tfjsonpath.New("seats"), knownvalue.MapSizeExact(2)),
			}},
		}},
	})
	if _, by := e.requests(); by["POST /v1/customer-seats"] != 0 {
		t.Fatalf("import assigned seats: %v", by)
	}
}

// Moving from one resource per seat to one assignments resource with
// removed { destroy = false } and an import block revokes and assigns
// nothing: every seat keeps its id.
func TestAccSeatAssignments_migrateFromSingleSeats(t *testing.T) {
	e := newAccEnv(t)
	alice, bob := e.email("alice"), e.email("bob")
	var ids []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: e.config(`
resource "polar_customer_seat" "alice" {
  subscription_id = %q
  email           = %q
}
resource "polar_customer_seat" "bob" {
  subscription_id = %q
  email           = %q
}`, e.subscriptionID, alice, e.subscriptionID, bob),
			Check: func(s *terraform.State) error {
				for _, n := range []string{"alice", "bob"} {
					ids = append(ids, s.RootModule().Resources["polar_customer_seat."+n].Primary.ID)
				}
				return nil
			},
		}, {
			PreConfig: e.resetRequests,
			Config: e.config(`
removed {
  from = polar_customer_seat.alice
  lifecycle {
    destroy = false
  }
}
removed {
  from = polar_customer_seat.bob
  lifecycle {
    destroy = false
  }
}
import {
  to = polar_customer_seat_assignments.team
  id = "subscription/%s"
}
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%q, %q]
}`, e.subscriptionID, e.subscriptionID, alice, bob),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				nothingDestroyedOrCreated{},
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate),
				onlyExclusiveSet{addr: teamAddr},
			}},
			Check: func(s *terraform.State) error {
				got := teamSeatIDs(s)
				if got[alice] != ids[0] || got[bob] != ids[1] {
					return fmt.Errorf("seats %v after the move, want the old ids %v", got, ids)
				}
				if _, by := e.requests(); by["POST /v1/customer-seats"] != 0 || by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
					return fmt.Errorf("the move wrote to Polar: %v", by)
				}
				return nil
			},
		}},
	})
}

// An assignment whose answer is lost is adopted once (the single resource's
// guarantee, through the shared writer): no duplicate, no failure.
func TestAccSeatAssignments_lostAssignAnswer(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	alice, bob := e.email("alice"), e.email("bob")
	var dropped atomic.Bool
	e.onRequest(func(w http.ResponseWriter, r *http.Request, emu http.Handler) bool {
		if r.Method != http.MethodPost || !dropped.CompareAndSwap(false, true) {
			return false
		}
		serveThenDo(w, r, emu, true, func() {})
		return true
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: e.team("", alice, bob),
			Check: func(s *terraform.State) error {
				if n := len(e.activeSeats(e.sub())); n != 2 || len(teamSeatIDs(s)) != 2 {
					return fmt.Errorf("%d active seats, state %v; want exactly 2", n, teamSeatIDs(s))
				}
				return nil
			},
		}},
	})
}

// Recipients known only at apply (from another resource): create works, and
// a later change that leaves them unknown at plan time keeps the seats of
// the recipients that stay (no second assignment, nothing revoked).
func TestAccSeatAssignments_recipientsKnownAtApply(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	ann, ben := e.email("ann"), e.email("ben")
	cfg := func(people ...string) string {
		var ins []string
		for _, p := range people {
			ins = append(ins, fmt.Sprintf("%q", p))
		}
		return e.config(`
resource "terraform_data" "people" {
  input = [%s]
}
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = terraform_data.people.output
}`, strings.Join(ins, ", "), e.subscriptionID)
	}
	var first map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: cfg(ann),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(teamAddr, tfjsonpath.New("emails")),
			}},
			Check: func(s *terraform.State) error { first = teamSeatIDs(s); return nil },
		}, {
			PreConfig: e.resetRequests,
			Config:    cfg(ann, ben),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(teamAddr, tfjsonpath.New("seats")),
			}},
			Check: func(s *terraform.State) error {
				now := teamSeatIDs(s)
				if now[ann] != first[ann] || now[ben] == "" {
					return fmt.Errorf("seats %v, first %v", now, first)
				}
				if _, by := e.requests(); by["POST /v1/customer-seats"] != 1 || by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
					return fmt.Errorf("the change made %v, want exactly one assignment", by)
				}
				return nil
			},
		}},
	})
}

// A wrong token at refresh fails the plan and keeps every seat in state;
// with the right token again the plan is empty.
func TestAccSeatAssignments_wrongTokenKeepsState(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	body := fmt.Sprintf(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%q]
}`, e.subscriptionID, e.email("kept"))
	wrong := fmt.Sprintf("provider \"polar\" {\n  server_url   = %q\n  access_token = \"polar_oat_not_a_real_token\"\n}\n", e.url) + body
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: e.config("%s", body),
		}, {
			Config:      wrong,
			ExpectError: regexp.MustCompile(`Polar rejected the access token`),
		}, {
			Config:           e.config("%s", body),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(teamAddr, tfjsonpath.New("seats"), knownvalue.MapSizeExact(1)),
			},
		}},
	})
}

// An update that fails part-way records exactly who holds a seat: the
// resource is not tainted, and the next apply assigns only the rest.
func TestAccSeatAssignments_partialUpdateRecordsWhatExists(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	var people []string
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		people = append(people, e.email(n))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: e.team("", people[:2]...),
		}, {
			// Three seats in all: one of the three new recipients fits.
			PreConfig:   func() { e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 3)) },
			Config:      e.team("", people...),
			ExpectError: regexp.MustCompile(`No seat available`),
		}, {
			PreConfig: func() {
				e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 5))
				e.resetRequests()
			},
			Config: e.team("", people...),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate),
			}},
			Check: func(s *terraform.State) error {
				if n := len(teamSeatIDs(s)); n != 5 || len(e.activeSeats(e.sub())) != 5 {
					return fmt.Errorf("%d seats in state, %d at Polar; want 5", n, len(e.activeSeats(e.sub())))
				}
				if _, by := e.requests(); by["POST /v1/customer-seats"] != 2 || by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
					return fmt.Errorf("the second apply made %v, want the 2 missing assignments", by)
				}
				return nil
			},
		}},
	})
}
