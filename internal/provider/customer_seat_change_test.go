package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Every input change replaces the seat; equivalent spellings do not.
func TestAccCustomerSeat_replacementOnEachInputChange(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	seat := func(container, id, body string) string {
		return e.config(`
resource "polar_customer_seat" "test" {
  %s_id = %q
  %s
}`, container, id, body)
	}
	replace := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(seatAddr, plancheck.ResourceActionDestroyBeforeCreate)}}
	noop := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	inPlace := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(seatAddr, plancheck.ResourceActionUpdate)}}
	var ids []string
	// After every step exactly one seat is live at Polar: the one in state.
	remember := func(s *terraform.State) error {
		id, err := stateAttr(s, seatAddr, "id")
		ids = append(ids, id)
		live := append(e.activeSeats(e.sub()), e.activeSeats(polar.Container{Kind: polar.ContainerOrder, ID: e.orderID})...)
		if len(live) != 1 || live[0].ID != id {
			return fmt.Errorf("live seats %d, want exactly the one in state (%s): %+v", len(live), id, live)
		}
		return err
	}
	sub, order := e.subscriptionID, e.orderID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub(), polar.Container{Kind: polar.ContainerOrder, ID: order}),
		Steps: []resource.TestStep{
			{Config: seat("subscription", sub, `email = "kim@acme.io"`), Check: remember},
			// Same mailbox as Polar compares it: no change.
			{Config: seat("subscription", sub, `email = "kim@ACME.IO"`), ConfigPlanChecks: noop},
			// Empty metadata is what Polar stores when none is given: recorded, not replaced.
			{Config: seat("subscription", sub, "email = \"kim@acme.io\"\n  metadata = {}"), ConfigPlanChecks: inPlace, Check: remember},
			{Config: seat("subscription", sub, "email = \"kim@acme.io\"\n  metadata = { a = \"1\" }"), ConfigPlanChecks: replace, Check: remember},
			{Config: seat("subscription", sub, "email = \"kim@acme.io\"\n  metadata = { a = \"2\" }"), ConfigPlanChecks: replace, Check: remember},
			{Config: seat("subscription", sub, `email = "lee@acme.io"`), ConfigPlanChecks: replace, Check: remember},
			{Config: seat("subscription", sub, `external_customer_id = "cus_carol"`), ConfigPlanChecks: replace, Check: remember},
			{Config: seat("subscription", sub, `external_member_id = "emp_erin"`), ConfigPlanChecks: replace, Check: remember},
			{Config: seat("order", order, `external_member_id = "emp_erin"`), ConfigPlanChecks: replace, Check: remember},
			// Pending seat, immediate_claim false -> true: replaced (claimed at once).
			{Config: seat("order", order, "external_member_id = \"emp_erin\"\n  immediate_claim = true"), ConfigPlanChecks: replace, Check: remember},
			// Claimed seat, immediate_claim true -> false: nothing to do at Polar.
			{Config: seat("order", order, `external_member_id = "emp_erin"`), ConfigPlanChecks: noop, Check: remember},
		},
	})
	if len(ids) != 10 {
		t.Fatalf("checked %d steps, want 10", len(ids))
	}
}

// resend_invitation re-sends in place; on a claimed seat it only warns.
func TestAccCustomerSeat_resendInvitation(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	cfg := func(resend, claim string) string {
		return e.config(`
resource "polar_customer_seat" "test" {
  subscription_id   = %q
  email             = "mia@acme.io"
  resend_invitation = %q
  immediate_claim   = %s
}`, e.subscriptionID, resend, claim)
	}
	var seatID string
	emails := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := e.outboxEmails(seatID); got != want {
				return fmt.Errorf("seat %s: %d invitation emails, want %d", seatID, got, want)
			}
			return nil
		}
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(seatAddr, plancheck.ResourceActionUpdate)}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("2026-11-01", "false"), Check: resource.ComposeTestCheckFunc(captureAttr(seatAddr, "id", &seatID), emails(1))},
			{Config: cfg("2026-11-02", "false"), ConfigPlanChecks: update, Check: resource.ComposeTestCheckFunc(
				func(s *terraform.State) error {
					id, _ := stateAttr(s, seatAddr, "id")
					if id != seatID {
						return fmt.Errorf("resend replaced the seat: %s -> %s", seatID, id)
					}
					return nil
				}, emails(2))},
			{
				PreConfig: func() {
					if _, err := e.client.ClaimSeat(context.Background(), e.invitationToken(seatID)); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("2026-11-03", "false"), ConfigPlanChecks: update, Check: emails(2),
			},
		},
	})
}
