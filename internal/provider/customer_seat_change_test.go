package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Every input change replaces the seat; equivalent spellings do not. One
// configuration holds a seat per change: the first step creates them all,
// the second changes each one, and after each step exactly the seats in
// state are live at Polar.
func TestAccCustomerSeat_replacementOnEachInputChange(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 10))
	e.must(e.emulator().SetSeats("subscription", accSmallSubID, 2))
	sub, small := e.subscriptionID, accSmallSubID
	order := polar.Container{Kind: polar.ContainerOrder, ID: e.orderID}
	containers := []polar.Container{e.sub(), {Kind: polar.ContainerSubscription, ID: small}, order}
	const (
		replace = plancheck.ResourceActionDestroyBeforeCreate
		update  = plancheck.ResourceActionUpdate
		noop    = plancheck.ResourceActionNoop
	)
	changes := []struct {
		name          string
		before, after string // the resource's arguments
		action        plancheck.ResourceActionType
	}{
		// Same mailbox as Polar compares it: no change.
		{"respelled", `subscription_id = "` + sub + `"` + "\n  email = \"kim@acme.io\"", `subscription_id = "` + sub + `"` + "\n  email = \"kim@ACME.IO\"", noop},
		// Empty metadata is what Polar stores when none is given: recorded, not replaced.
		{"metadata_empty", `subscription_id = "` + sub + `"` + "\n  email = \"m1@acme.io\"", `subscription_id = "` + sub + `"` + "\n  email = \"m1@acme.io\"\n  metadata = {}", update},
		{"metadata_added", `subscription_id = "` + sub + `"` + "\n  email = \"m2@acme.io\"\n  metadata = {}", `subscription_id = "` + sub + `"` + "\n  email = \"m2@acme.io\"\n  metadata = { a = \"1\" }", replace},
		{"metadata_changed", `subscription_id = "` + sub + `"` + "\n  email = \"m3@acme.io\"\n  metadata = { a = \"1\" }", `subscription_id = "` + sub + `"` + "\n  email = \"m3@acme.io\"\n  metadata = { a = \"2\" }", replace},
		{"email_changed", `subscription_id = "` + sub + `"` + "\n  email = \"lee@acme.io\"", `subscription_id = "` + sub + `"` + "\n  email = \"leo@acme.io\"", replace},
		{"email_to_external_customer_id", `subscription_id = "` + sub + `"` + "\n  email = \"nat@acme.io\"", `subscription_id = "` + sub + `"` + "\n  external_customer_id = \"cus_carol\"", replace},
		{"external_customer_id_to_external_member_id", `subscription_id = "` + small + `"` + "\n  external_customer_id = \"cus_carol\"", `subscription_id = "` + small + `"` + "\n  external_member_id = \"emp_erin\"", replace},
		{"subscription_to_order", `subscription_id = "` + sub + `"` + "\n  external_member_id = \"emp_erin\"", `order_id = "` + order.ID + `"` + "\n  external_member_id = \"emp_erin\"", replace},
		// Pending seat, immediate_claim false -> true: replaced (claimed at once).
		{"claim_now", `order_id = "` + order.ID + `"` + "\n  email = \"pat@acme.io\"", `order_id = "` + order.ID + `"` + "\n  email = \"pat@acme.io\"\n  immediate_claim = true", replace},
		// Claimed seat, immediate_claim true -> false: nothing to do at Polar.
		{"claimed_stays", `order_id = "` + order.ID + `"` + "\n  email = \"quinn@acme.io\"\n  immediate_claim = true", `order_id = "` + order.ID + `"` + "\n  email = \"quinn@acme.io\"", noop},
	}
	var before, after strings.Builder
	var checks []plancheck.PlanCheck
	for _, c := range changes {
		fmt.Fprintf(&before, "resource \"polar_customer_seat\" %q {\n  %s\n}\n", c.name, c.before)
		fmt.Fprintf(&after, "resource \"polar_customer_seat\" %q {\n  %s\n}\n", c.name, c.after)
		checks = append(checks, plancheck.ExpectResourceAction("polar_customer_seat."+c.name, c.action))
	}
	// liveIsState: the seats live at Polar are exactly the seats in state.
	ids := map[string]string{}
	liveIsState := func(s *terraform.State) error {
		inState := map[string]string{}
		for _, c := range changes {
			id, err := stateAttr(s, "polar_customer_seat."+c.name, "id")
			if err != nil {
				return err
			}
			inState[id] = c.name
		}
		var live []string
		for _, c := range containers {
			for _, seat := range e.activeSeats(c) {
				live = append(live, seat.ID)
				if _, ok := inState[seat.ID]; !ok {
					return fmt.Errorf("seat %s (%s) is live at Polar but not in state", seat.ID, derefStr(seat.Email))
				}
			}
		}
		if len(live) != len(inState) {
			return fmt.Errorf("%d seats live at Polar, %d in state", len(live), len(inState))
		}
		return nil
	}
	// keptUnlessReplaced: a resource that is not replaced keeps its seat. (A
	// replaced one may get the same id back: Polar reuses a revoked row.)
	remember := func(s *terraform.State) error {
		for _, c := range changes {
			ids[c.name], _ = stateAttr(s, "polar_customer_seat."+c.name, "id")
		}
		return nil
	}
	keptUnlessReplaced := func(s *terraform.State) error {
		for _, c := range changes {
			if id, _ := stateAttr(s, "polar_customer_seat."+c.name, "id"); c.action != replace && id != ids[c.name] {
				return fmt.Errorf("%s: seat %s -> %s, planned %s", c.name, ids[c.name], id, c.action)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(containers...),
		Steps: []resource.TestStep{
			{Config: e.config("%s", before.String()), Check: resource.ComposeTestCheckFunc(liveIsState, remember)},
			{Config: e.config("%s", after.String()), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks}, Check: resource.ComposeTestCheckFunc(liveIsState, keptUnlessReplaced)},
		},
	})
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
