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

const seatAddr = "polar_customer_seat.test"

// A seat in a subscription (pending) and one in an order (claimed at once,
// with metadata): created, checked at Polar, revoked by destroy.
// plugin-testing plans again after every apply, with and without refresh,
// and fails on a non-empty plan: no step here repeats a configuration only
// to see an empty plan.
func TestAccCustomerSeat_lifecycle(t *testing.T) {
	e := newAccEnv(t)
	alice, bob := e.email("alice"), e.email("bob")
	order := polar.Container{Kind: polar.ContainerOrder, ID: e.orderID}
	const orderSeat = "polar_customer_seat.order"
	ids := map[string]string{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub(), order),
		Steps: []resource.TestStep{{
			Config: e.emailSeat(alice) + fmt.Sprintf(`
resource "polar_customer_seat" "order" {
  order_id        = %q
  email           = %q
  immediate_claim = true
  metadata = {
    team = "platform"
    role = "admin"
  }
}`, e.orderID, bob),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(seatAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(orderSeat, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(seatAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue(seatAddr, tfjsonpath.New("email"), knownvalue.StringExact(alice)),
				statecheck.ExpectKnownValue(seatAddr, tfjsonpath.New("customer_email"), knownvalue.StringExact(alice)),
				statecheck.ExpectKnownValue(seatAddr, tfjsonpath.New("immediate_claim"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(seatAddr, tfjsonpath.New("order_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(orderSeat, tfjsonpath.New("status"), knownvalue.StringExact("claimed")),
				statecheck.ExpectKnownValue(orderSeat, tfjsonpath.New("order_id"), knownvalue.StringExact(e.orderID)),
				statecheck.ExpectKnownValue(orderSeat, tfjsonpath.New("subscription_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(orderSeat, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
					"team": knownvalue.StringExact("platform"), "role": knownvalue.StringExact("admin"),
				})),
			},
			Check: func(s *terraform.State) error {
				ids["subscription"], _ = stateAttr(s, seatAddr, "id")
				ids["order"], _ = stateAttr(s, orderSeat, "id")
				if seat, ok := e.list(e.sub()).Find(ids["subscription"]); !ok || seat.Status != polar.SeatStatusPending {
					return fmt.Errorf("subscription seat at Polar not pending: %+v", seat)
				}
				if seat, ok := e.list(order).Find(ids["order"]); !ok || seat.SeatMetadata["team"] != "platform" || seat.Status != polar.SeatStatusClaimed {
					return fmt.Errorf("order seat at Polar: %+v", seat)
				}
				return nil
			},
		}},
	})
	if seat, ok := e.list(e.sub()).Find(ids["subscription"]); !ok || seat.Status != polar.SeatStatusRevoked {
		t.Fatalf("destroy did not revoke seat %s: %+v", ids["subscription"], seat)
	}
	if seat, ok := e.list(order).Find(ids["order"]); !ok || seat.Status != polar.SeatStatusRevoked {
		t.Fatalf("destroy did not revoke seat %s: %+v", ids["order"], seat)
	}
}

// Each of Polar's recipient forms creates, plans empty, and destroys. One
// configuration holds every form; a recipient named in two forms holds a
// seat in two containers.
func TestAccCustomerSeat_recipientForms(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly() // customer and member fixtures
	sub, order := e.sub(), polar.Container{Kind: polar.ContainerOrder, ID: e.orderID}
	forms := []struct {
		name          string
		container     polar.Container
		attrs         string
		occupantEmail string
	}{
		{"email", sub, `email = "Dana@ACME.io"`, "Dana@acme.io"},
		{"external_customer_id", sub, `external_customer_id = "cus_carol"`, "carol@acme.io"},
		{"customer_id", order, fmt.Sprintf(`customer_id = %q`, accCarolCustomerID), "carol@acme.io"},
		{"external_member_id", sub, `external_member_id = "emp_erin"`, "erin@acme.io"},
		{"external_member_id_with_email", sub, "external_member_id = \"emp_frank\"\n  email              = \"frank@acme.io\"", "frank@acme.io"},
		{"member_id", order, fmt.Sprintf(`member_id = %q`, accErinMemberID), "erin@acme.io"},
	}
	var cfg strings.Builder
	var checks []statecheck.StateCheck
	for _, f := range forms {
		fmt.Fprintf(&cfg, "resource \"polar_customer_seat\" %q {\n  %s_id = %q\n  %s\n}\n", f.name, f.container.Kind, f.container.ID, f.attrs)
		checks = append(checks, statecheck.ExpectKnownValue("polar_customer_seat."+f.name, tfjsonpath.New("customer_email"), knownvalue.StringExact(f.occupantEmail)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(sub, order),
		Steps:                    []resource.TestStep{{Config: e.config("%s", cfg.String()), ConfigStateChecks: checks}},
	})
}

// Changes made outside Terraform, one seat each, in one configuration:
//   - revoked: drift, planned for re-creation, then converges;
//   - reused: the revoked row is given to someone else under the same id;
//     our seat is re-created, never adopted, and destroy leaves the other
//     recipient's seat active;
//   - claimed: a pending seat claimed by its recipient is not drift.
func TestAccCustomerSeat_outOfBandChanges(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	revoked, reused, claimed, other := e.email("revoked"), e.email("reused"), e.email("claimed"), e.email("other")
	cfg := e.config(`
resource "polar_customer_seat" "revoked" {
  subscription_id = %[1]q
  email           = %[2]q
}
resource "polar_customer_seat" "reused" {
  subscription_id = %[1]q
  email           = %[3]q
}
resource "polar_customer_seat" "claimed" {
  subscription_id = %[1]q
  email           = %[4]q
}`, e.subscriptionID, revoked, reused, claimed)
	ids := map[string]string{}
	var otherID string
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			live := e.activeSeats(e.sub())
			if len(live) != 1 || live[0].ID != otherID || derefStr(live[0].Email) != other {
				return fmt.Errorf("after destroy, want only the other recipient's seat %s live; Polar has %+v", otherID, live)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(s *terraform.State) error {
				for _, name := range []string{"revoked", "reused", "claimed"} {
					ids[name], _ = stateAttr(s, "polar_customer_seat."+name, "id")
				}
				return nil
			},
		}, {
			PreConfig: func() {
				// reused first, so that its row is the only revoked one when
				// the other recipient is assigned.
				_, err := e.client.RevokeSeat(ctx, ids["reused"])
				e.must(err)
				s, err := e.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str(other)})
				e.must(err)
				if otherID = s.ID; otherID != ids["reused"] {
					t.Fatalf("emulator did not reuse the revoked row: %s vs %s", otherID, ids["reused"])
				}
				_, err = e.client.RevokeSeat(ctx, ids["revoked"])
				e.must(err)
				_, err = e.client.ClaimSeat(ctx, e.invitationToken(ids["claimed"]))
				e.must(err)
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("polar_customer_seat.revoked", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("polar_customer_seat.reused", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("polar_customer_seat.claimed", plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("polar_customer_seat.revoked", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue("polar_customer_seat.claimed", tfjsonpath.New("status"), knownvalue.StringExact("claimed")),
			},
			Check: func(s *terraform.State) error {
				if id, _ := stateAttr(s, "polar_customer_seat.reused", "id"); id == otherID {
					return fmt.Errorf("state adopted the other recipient's seat %s", id)
				}
				return nil
			},
		}},
	})
}
