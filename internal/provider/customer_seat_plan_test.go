package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// Every input change replaces the seat; equivalent spellings do not. One
// configuration holds a seat per change: the first step creates them all,
// the second changes each one, and after each step exactly the seats in
// state are live at Polar.
func TestAccCustomerSeat_plan_replacementOnEachInputChange(t *testing.T) {
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

// Plans tell the truth about what apply will do to people.
func TestAccCustomerSeat_plan_tellsTheTruth(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	e := newAccEnv(t)
	e.emulatorOnly()
	t.Run("drift is explained in the plan", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		_, tf := e.cliWorkspace(fmt.Sprintf("resource \"polar_customer_seat\" \"a\" {\n  subscription_id = %q\n  email = \"drift@acme.io\"\n}\n", e.subscriptionID))
		if out, err := tf("apply", "-auto-approve"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		seat := e.activeSeats(e.sub())[0]
		if _, err := e.client.RevokeSeat(context.Background(), seat.ID); err != nil {
			t.Fatal(err)
		}
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Warning: Seat "+seat.ID+" was revoked outside Terraform") || !strings.Contains(out, "Plan: 1 to add") {
			t.Fatalf("drift not explained:\n%s", out)
		}
	})
	t.Run("replacing a claimed seat warns", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		dir, tf := e.cliWorkspace(fmt.Sprintf("resource \"polar_customer_seat\" \"a\" {\n  subscription_id = %q\n  email = \"working@acme.io\"\n  immediate_claim = true\n}\n", e.subscriptionID))
		if out, err := tf("apply", "-auto-approve"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		cfg := fmt.Sprintf("resource \"polar_customer_seat\" \"a\" {\n  subscription_id = %q\n  email = \"working@acme.io\"\n  immediate_claim = true\n  metadata = { team = \"b\" }\n}\n", e.subscriptionID)
		writeConfig(t, dir, cfg)
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(out, "takes a working seat away") || !strings.Contains(out, "must be replaced") {
			t.Fatalf("no warning about the claimed seat:\n%s", out)
		}
	})
	t.Run("more seats planned than free warns", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		_, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "team" {
  for_each        = toset([for i in range(20) : "p${i}@acme.io"])
  subscription_id = %q
  email           = each.value
}
`, e.subscriptionID))
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Warning: More seats planned than available") || !wrapped("which has total_seats = 5 and available_seats = 5").MatchString(out) {
			t.Fatalf("no capacity warning:\n%s", out)
		}
	})
	t.Run("a timeout too short for the pace warns with the numbers", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		// 100 assignments at 60 requests a minute take at least 99 × 60/59 s.
		_, tf := e.cliWorkspace(fmt.Sprintf(`
provider "polar" {
  requests_per_minute = 60
}
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [for i in range(100) : "p${i}@acme.io"]
  timeouts {
    create = "30s"
  }
}
`, e.subscriptionID))
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		for _, want := range []string{"Warning: timeouts.create is too short for 100 seat writes", "This plan makes 100 seat writes", "At 60 requests per minute",
			"they take at least 1m41s, but timeouts.create is 30s", "or set it to at least 1m41s"} {
			if !wrapped(want).MatchString(out) {
				t.Fatalf("no %q in the plan:\n%s", want, out)
			}
		}
	})
}

// Planning a seat in a container with no free seat warns, naming the
// container and its counts, and still plans (seats freed in the same apply
// may make room).
func TestAccCustomerSeat_plan_warnsWhenContainerIsFull(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	srv, url := testsupport.Emulator(t, accFixture())
	tf := terraformCLI(t, "POLAR_SERVER_URL="+url, "POLAR_ACCESS_TOKEN="+emulator.DemoToken)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
resource "polar_customer_seat" "a" {
  subscription_id = %q
  email           = "a@acme.io"
}
resource "polar_customer_seat" "b" {
  subscription_id = %q
  email           = "b@acme.io"
}
resource "polar_customer_seat" "free" {
  subscription_id = %q
  email           = "c@acme.io"
}
`, accFullSubID, accFullSubID, emulator.DemoSubscriptionID)
	writeConfig(t, dir, cfg)
	out, err := tf(dir, "plan")
	if err != nil {
		t.Fatalf("plan failed: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`This plan assigns at least (1 new seat|2 new seats) in the subscription\s+` + accFullSubID + `, which has total_seats = 0 and\s+available_seats = 0`).MatchString(out) {
		t.Errorf("no capacity warning in:\n%s", out)
	}
	// The two seats of the full subscription plan one after the other: one
	// warning counts one new seat, in the singular, the other two. The
	// human output shows one of them and "one more similar warning"; the
	// JSON output has both.
	js, err := tf(dir, "plan", "-json")
	if err != nil {
		t.Fatalf("plan -json failed: %v\n%s", err, js)
	}
	for _, n := range []string{"at least 1 new seat in the subscription " + accFullSubID, "at least 2 new seats in the subscription " + accFullSubID} {
		if !strings.Contains(js, n) {
			t.Errorf("no capacity warning %q in:\n%s", n, js)
		}
	}
	if !strings.Contains(out, "Warning: More seats planned than available") || !strings.Contains(out, "Plan: 3 to add") {
		t.Fatalf("no capacity warning in:\n%s", out)
	}
	if strings.Contains(out, "subscription "+emulator.DemoSubscriptionID+", which has") {
		t.Fatalf("warned about a container with free seats:\n%s", out)
	}
	// One list per container for each of the two plans, no write.
	if total, by := srv.Requests(); total != 4 || by["GET /v1/customer-seats"] != 4 {
		t.Fatalf("plan cost %d calls: %v", total, by)
	}
}

// Any spelling Polar stores as the same address applies and then plans
// clean. (An address Polar refuses fails at validate time with Polar's own
// reason and no API call: a case of TestAccCustomerSeat_errors_badInputMatrix.)
func TestAccCustomerSeat_plan_emailAsPolarStoresIt(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	seats := func(alice, bob string) string {
		return e.config(`
resource "polar_customer_seat" "alice" {
  subscription_id = %q
  email           = %q
}
resource "polar_customer_seat" "bob" {
  subscription_id = %q
  email           = %q
}`, e.subscriptionID, alice, e.subscriptionID, bob)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: seats("alice@xn--bcher-kva.de", "Bob@ACME.IO"),
			Check: func(*terraform.State) error {
				stored := map[string]bool{}
				for _, s := range e.activeSeats(e.sub()) {
					stored[derefStr(s.Email)] = true
				}
				if !stored["alice@bücher.de"] || !stored["Bob@acme.io"] {
					return fmt.Errorf("Polar stores %v", stored)
				}
				return nil
			},
		}, {
			// Other spellings of the same mailboxes: no change (PlanOnly
			// fails on a non-empty plan).
			Config:   seats("alice@BÜCHER.de", "bob@acme.io"),
			PlanOnly: true,
		}, {
			Config:   seats("alice@bücher.de", "bob@acme.io"),
			PlanOnly: true,
		}},
	})
}
