package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// With Terraform 1.12+: every seat carries its identity, and an import block
// with an identity adopts a seat and plans clean, without a write. (Skipped,
// saying so, on older Terraform; TestProtocol_queryGenerateImportPlansClean
// covers the same at the protocol level everywhere.)
func TestAccCustomerSeat_identity(t *testing.T) {
	e := newAccEnv(t)
	cfg := e.emailSeat(e.email("ident"))
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(seatAddr, map[string]knownvalue.Check{
					"seat_id":         knownvalue.NotNull(),
					"subscription_id": knownvalue.StringExact(e.subscriptionID),
					"order_id":        knownvalue.Null(),
				}),
				statecheck.ExpectIdentityValueMatchesState(seatAddr, tfjsonpath.New("subscription_id")),
			},
		}, {
			ResourceName:    seatAddr,
			Config:          cfg,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		}},
	})
}

// With Terraform 1.14+: `terraform query` lists the seats a subscription
// already has (active ones by default), each with its identity and a display
// name. (Generating the configuration and importing it with no change is
// proven at the protocol level by TestProtocol_queryGenerateImportPlansClean.)
func TestAccCustomerSeat_query(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	for _, email := range []string{"ann@acme.io", "ben@acme.io"} {
		if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str(email)}); err != nil {
			t.Fatal(err)
		}
	}
	query := fmt.Sprintf(`
provider "polar" {
  server_url   = %q
  access_token = %q
}
list "polar_customer_seat" "team" {
  provider = polar
  config {
    subscription_id = %q
  }
}
`, e.url, e.token, e.subscriptionID)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           e.providerBlock(),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}, {
			Query:  true,
			Config: query,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("polar_customer_seat.team", 2),
				querycheck.ExpectIdentity("polar_customer_seat.team", map[string]knownvalue.Check{
					"seat_id": knownvalue.NotNull(), "subscription_id": knownvalue.StringExact(e.subscriptionID), "order_id": knownvalue.Null(),
				}),
			},
		}},
	})
	if _, by := e.requests(); by["POST /v1/customer-seats"] != 2 {
		t.Fatalf("the query wrote to Polar: %v", by)
	}
}

// With Terraform 1.12+: the assignments resource's identity is its
// container, and an import block with that identity adopts the container's
// seats; the plan only records exclusive, which import cannot know.
// (TestProtocol_assignmentsIdentity covers the same at the protocol level
// everywhere.)
func TestAccSeatAssignments_identity(t *testing.T) {
	e := newAccEnv(t)
	cfg := e.team("", e.email("ident"))
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(teamAddr, map[string]knownvalue.Check{
					"subscription_id": knownvalue.StringExact(e.subscriptionID),
					"order_id":        knownvalue.Null(),
				}),
			},
		}, {
			ResourceName:       teamAddr,
			Config:             cfg,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(teamAddr, plancheck.ResourceActionUpdate), onlyExclusiveSet{addr: teamAddr},
			}},
		}},
	})
}
