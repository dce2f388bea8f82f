package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// An assignment whose answer is lost is adopted once (the single resource's
// guarantee, through the shared writer): no duplicate, no failure.
func TestAccCustomerSeatAssignments_faults_lostAssignAnswer(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	alice, bob := e.email("alice"), e.email("bob")
	var dropped atomic.Bool
	e.onRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || !dropped.CompareAndSwap(false, true) {
			return false
		}
		e.proxy.Record(r).Drop(w) // Polar assigned the seat; the answer is lost
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

// An update that fails part-way records exactly who holds a seat: the
// resource is not tainted, and the next apply assigns only the rest.
func TestAccCustomerSeatAssignments_faults_partialUpdateRecordsWhatExists(t *testing.T) {
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

// Ctrl-C during the create of a 40-person assignments resource: the
// assignments already sent finish and are recorded, none start after the
// interrupt, and every seat that exists at Polar is in state.
func TestAccCustomerSeatAssignments_faults_interruptLeavesNoOrphans(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 60))
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [for i in range(40) : "p${i}@acme.io"]
}
`, e.subscriptionID)
	writeConfig(t, dir, cfg)
	// Every assignment takes a second, so that several are in flight.
	e.fault(http.MethodPost, "/v1/customer-seats", "delay", 0, 1000, 1000)
	out, state := interruptedApply(t, e, dir, 5)
	if !regexp.MustCompile(`seats of the subscription\s+\S+\s+not\s+assigned`).MatchString(out) {
		t.Fatalf("no count of the seats left:\n%s", out)
	}
	assertNoOrphans(t, e, state, 40, out)
}

// forEach runs every item while the operation lives, and once it has ended
// starts none: the items are returned as skipped, with one error that says
// nothing was sent for them.
func TestCustomerSeatAssignments_faults_forEachSkipsWhatItCannotStart(t *testing.T) {
	c := polar.Container{Kind: polar.ContainerSubscription, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}
	items := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	var calls atomic.Int32
	fn := func(s string) (heldSeat, bool, diag.Diagnostics) {
		calls.Add(1)
		return heldSeat{id: s}, s != "c", nil
	}

	kept, skipped, diags := forEach(context.Background(), "assigned", c, items, fn)
	if calls.Load() != 10 || len(kept) != 9 || len(skipped) != 0 || diags.HasError() {
		t.Fatalf("live: %d calls, %d kept, %d skipped, %v", calls.Load(), len(kept), len(skipped), diags)
	}

	calls.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	kept, skipped, diags = forEach(ctx, "revoked", c, items, fn)
	if calls.Load() != 0 || len(kept) != 0 || len(skipped) != 10 {
		t.Fatalf("ended: %d calls, %d kept, %d skipped", calls.Load(), len(kept), len(skipped))
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Summary(), "10 seats of the subscription") ||
		!strings.Contains(diags[0].Detail(), "nothing was sent for them") {
		t.Fatalf("ended: diagnostics %v", diags)
	}
}
