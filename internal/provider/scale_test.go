package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// A plan over N seats in C containers lists each container once: the reads
// of one container coalesce into one GET /v1/customer-seats.
func TestAccScale_planListsEachContainerOnce(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	const perContainer = 25
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, perContainer))
	e.must(e.emulator().SetSeats("order", e.orderID, perContainer))
	cfg := e.config(`
resource "polar_customer_seat" "sub" {
  count           = %d
  subscription_id = %q
  email           = "s${count.index}@acme.io"
}
resource "polar_customer_seat" "order" {
  count    = %d
  order_id = %q
  email    = "o${count.index}@acme.io"
}`, perContainer, e.subscriptionID, perContainer, e.orderID)
	var planCalls map[string]int
	var planTotal int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				// Apply: one POST per seat, and at most one list per container (plan-time capacity check).
				total, by := e.requests()
				if by["POST /v1/customer-seats"] != 2*perContainer || by["GET /v1/customer-seats"] > 2*2 {
					return fmt.Errorf("apply cost %d calls: %v", total, by)
				}
				return nil
			},
		}, {
			PreConfig: e.resetRequests,
			Config:    cfg,
			PlanOnly:  true,
		}, {
			PreConfig: func() { planTotal, planCalls = e.requests() },
			Config:    cfg,
			PlanOnly:  true,
		}},
	})
	// The lower bound: C list calls, nothing per seat.
	if planTotal != 2 || planCalls["GET /v1/customer-seats"] != 2 {
		t.Fatalf("a plan over %d seats in 2 containers cost %d calls: %v", 2*perContainer, planTotal, planCalls)
	}
}
