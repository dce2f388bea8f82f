package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

const seatAddr = "polar_customer_seat.test"

// A seat in a subscription (pending) and one in an order (claimed at once,
// with metadata): created, checked at Polar, revoked by destroy.
// plugin-testing plans again after every apply, with and without refresh,
// and fails on a non-empty plan: no step here repeats a configuration only
// to see an empty plan.
func TestAccCustomerSeat_lifecycle_basic(t *testing.T) {
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
func TestAccCustomerSeat_lifecycle_everyRecipientForm(t *testing.T) {
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
func TestAccCustomerSeat_lifecycle_outOfBandChanges(t *testing.T) {
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

// resend_invitation re-sends in place; on a claimed seat it only warns.
func TestAccCustomerSeat_lifecycle_resendInvitation(t *testing.T) {
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

// State written before the resource dropped its timestamps, occupant ids and
// member (kept in the data source; the occupant now in private state) still
// loads: Terraform upgrades it on every plan, and unknown attributes are
// dropped, not an error.
func TestCustomerSeat_lifecycle_stateWithDroppedAttributesUpgrades(t *testing.T) {
	t.Parallel()
	_, url := testsupport.Emulator(t, nil)
	p := newProtoEnv(t, url, emulator.DemoToken)
	old := `{"id":"2b8e3f8a-6c1d-4e2f-9a3b-5c7d9e1f2a4b","subscription_id":"` + emulator.DemoSubscriptionID + `","order_id":null,` +
		`"email":"alice@acme.io","external_customer_id":null,"customer_id":null,"external_member_id":null,"member_id":null,` +
		`"metadata":null,"immediate_claim":false,"resend_invitation":null,"status":"pending","customer_email":"alice@acme.io",` +
		`"invitation_token_expires_at":"2026-11-24T10:00:00Z","claimed_at":null,"created_at":"2026-11-23T10:00:00Z","modified_at":null,` +
		`"occupant_customer_id":"7a1e0c2b-4d3f-4e5a-9b6c-8d7e6f5a4b3c","occupant_member_id":null,` +
		`"member":{"id":"8b2f1d3c-5e4a-4f6b-8c7d-9e8f7a6b5c4d","email":"alice@acme.io","name":null,"external_id":null,"role":"member"},"timeouts":null}`
	resp, err := p.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "polar_customer_seat", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(old)},
	})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("upgrade: %v %v", err, resp.Diagnostics)
	}
	typ := p.resourceType("polar_customer_seat")
	v, err := resp.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]tftypes.Value{}
	if err := v.As(&got); err != nil {
		t.Fatal(err)
	}
	if stringOf(got["id"]) != "2b8e3f8a-6c1d-4e2f-9a3b-5c7d9e1f2a4b" || stringOf(got["customer_email"]) != "alice@acme.io" {
		t.Fatalf("upgraded state %v", got)
	}
	if _, ok := got["member"]; ok {
		t.Fatal("member is still in the schema")
	}
}
