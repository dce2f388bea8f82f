package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func TestEmailSemanticEquality(t *testing.T) {
	v := func(s string) emailValue { return emailValue{StringValue: basetypes.NewStringValue(s)} }
	for _, pair := range [][2]string{
		{"Alice@EXAMPLE.org", "alice@example.org"},
		{"alice@xn--bcher-kva.de", "alice@bücher.de"},
		{"alice@BÜCHER.DE", "alice@xn--bcher-kva.de"},
		{"x@ｅｘａｍｐｌｅ.com", "x@example.com"},
		{"  alice@example.org ", "Alice <alice@example.org>"},
	} {
		if eq, d := v(pair[0]).StringSemanticEquals(context.Background(), v(pair[1])); !eq || d.HasError() {
			t.Errorf("%q and %q should be the same address", pair[0], pair[1])
		}
	}
	if eq, _ := v("alice@example.org").StringSemanticEquals(context.Background(), v("bob@example.org")); eq {
		t.Error("different people compared equal")
	}
}

// Any spelling Polar stores as the same address applies and then plans
// clean. (An address Polar refuses fails at validate time with Polar's own
// reason and no API call: a case of TestAccBadInputMatrix.)
func TestAccCustomerSeat_emailAsPolarStoresIt(t *testing.T) {
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
	noop := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
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
			// Other spellings of the same mailboxes: no change.
			Config:           seats("alice@BÜCHER.de", "bob@acme.io"),
			ConfigPlanChecks: noop,
		}, {
			Config:           seats("alice@bücher.de", "bob@acme.io"),
			ConfigPlanChecks: noop,
		}},
	})
}
