package provider

import (
	"fmt"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// A plan over N seats in C containers lists each container once: the reads
// of one container coalesce into one GET /v1/customer-seats. Driven by the
// CLI so that exactly one plan is counted.
func TestAccCustomerSeat_scale_planListsEachContainerOnce(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	const perContainer = 25
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, perContainer))
	e.must(e.emulator().SetSeats("order", e.orderID, perContainer))
	_, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "sub" {
  count           = %d
  subscription_id = %q
  email           = "s${count.index}@acme.io"
}
resource "polar_customer_seat" "order" {
  count    = %d
  order_id = %q
  email    = "o${count.index}@acme.io"
}`, perContainer, e.subscriptionID, perContainer, e.orderID))
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	// Apply: one POST per seat, and at most one list per container in each
	// of its plan and apply.
	if total, by := e.requests(); by["POST /v1/customer-seats"] != 2*perContainer || by["GET /v1/customer-seats"] > 2*2 {
		t.Fatalf("apply cost %d calls: %v", total, by)
	}
	e.resetRequests()
	// -detailed-exitcode: 0 is an empty plan.
	if out, err := tf("plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after apply not empty: %v\n%s", err, out)
	}
	// The lower bound: C list calls, nothing per seat.
	if total, by := e.requests(); total != 2 || by["GET /v1/customer-seats"] != 2 {
		t.Fatalf("a plan over %d seats in 2 containers cost %d calls: %v", 2*perContainer, total, by)
	}
	if out, err := tf("destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if err := e.checkNoActiveSeats(e.sub(), polar.Container{Kind: polar.ContainerOrder, ID: e.orderID})(nil); err != nil {
		t.Fatal(err)
	}
}
