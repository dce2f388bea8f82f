package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Create, an unchanged plan under another spelling, an in-place change that
// touches only the recipients added and removed, a seat revoked outside
// Terraform assigned again, destroy.
func TestAccCustomerSeatAssignments_lifecycle_basic(t *testing.T) {
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
			// them differently: no diff (PlanOnly fails on a non-empty plan).
			Config:   e.team("", carol, strings.ToUpper(alice), bob),
			PlanOnly: true,
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
func TestAccCustomerSeatAssignments_lifecycle_exclusive(t *testing.T) {
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
