package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Two resources that would fight over one container fail the plan, before
// any write; two that manage different people in it do not.
func TestAccCustomerSeatAssignments_plan_conflictsRefused(t *testing.T) {
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

// Recipients known only at apply (from another resource): create works, and
// a later change that leaves them unknown at plan time keeps the seats of
// the recipients that stay (no second assignment, nothing revoked).
func TestAccCustomerSeatAssignments_plan_recipientsKnownAtApply(t *testing.T) {
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

// The plan's warnings count in words: "1 new seat", "1 seat assigned
// outside", never "1 new seats".
func TestCustomerSeatAssignments_plan_warningsCountInWords(t *testing.T) {
	t.Parallel()
	list := &polar.SeatsList{TotalSeats: 1, AvailableSeats: 0}
	for n, want := range map[int][]string{
		1: {"1 seat assigned outside this resource will be managed by it", "This plan assigns 1 new seat in the"},
		2: {"2 seats assigned outside this resource will be managed by it", "This plan assigns 2 new seats in the"},
	} {
		p := &seatsPlan{assigning: n}
		for i := range n {
			p.adopted = append(p.adopted, heldSeat{recipient: recipient{form: emailForm, value: fmt.Sprintf("p%d@acme.io", i)}, id: fmt.Sprint(i)})
		}
		text := diagsText(p.warnings(claimsContainer, list, 0))
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%d: the warnings do not say %q:\n%s", n, w, text)
			}
		}
	}
}
