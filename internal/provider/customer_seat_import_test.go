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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// terraform import, with ImportStateVerify: a seat in a subscription
// imported by seat id, one in an order by email, each with one list call and
// no write (counted on the emulator). (Every ID form in both containers is
// also imported through import blocks by
// TestAccCustomerSeat_import_plansEmptyPerRecipientForm.)
func TestAccCustomerSeat_import_idForms(t *testing.T) {
	e := newAccEnv(t)
	email := e.email("imp")
	ids := map[string]string{"subscription": e.subscriptionID, "order": e.orderID}
	cfg := e.config(`
resource "polar_customer_seat" "subscription" {
  subscription_id = %q
  email           = %q
}
resource "polar_customer_seat" "order" {
  order_id = %q
  email    = %q
}`, e.subscriptionID, email, e.orderID, email)
	steps := []resource.TestStep{{Config: cfg}}
	for _, f := range []struct {
		container string
		byEmail   bool
	}{{"subscription", false}, {"order", true}} {
		addr := "polar_customer_seat." + f.container
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				if e.emu != nil {
					e.resetRequests()
				}
			},
			ResourceName: addr,
			ImportState:  true,
			ImportStateIdFunc: func(s *terraform.State) (string, error) {
				last, err := stateAttr(s, addr, "id")
				if f.byEmail {
					last = email
				}
				return fmt.Sprintf("%s/%s/%s", f.container, ids[f.container], last), err
			},
			ImportStateCheck: func([]*terraform.InstanceState) error {
				if e.emu == nil {
					return nil // the sandbox has no request counters
				}
				if total, by := e.requests(); total != 1 || by["GET /v1/customer-seats"] != 1 {
					return fmt.Errorf("importing %s (by email: %v) made %d calls (%v), want one list call", addr, f.byEmail, total, by)
				}
				return nil
			},
			ImportStateVerify: true,
			// Import fills in every recipient form Polar reports; the
			// created seat only has the configured one.
			ImportStateVerifyIgnore: []string{"customer_id", "member_id", "external_member_id", "timeouts"},
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub(), polar.Container{Kind: polar.ContainerOrder, ID: e.orderID}),
		Steps:                    steps,
	})
}

// After importing a seat, by its id or by email, a configuration that names
// it by any supported recipient form plans no changes. One configuration
// imports every form at once; a recipient named in three forms holds a seat
// in three containers.
func TestAccCustomerSeat_import_plansEmptyPerRecipientForm(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	e.must(e.emulator().SetSeats("subscription", accSmallSubID, 2))
	sub, order, small := e.sub(), polar.Container{Kind: polar.ContainerOrder, ID: e.orderID}, polar.Container{Kind: polar.ContainerSubscription, ID: accSmallSubID}
	cases := []struct {
		name      string
		container polar.Container
		assign    polar.SeatAssign
		attrs     string
		inPlace   bool   // external_customer_id: Polar never reports it; recorded by an in-place update
		byEmail   string // the import ID names the seat by this email, not by its id
	}{
		{"email", sub, polar.SeatAssign{Email: str("Ivan@acme.io")}, `email = "ivan@ACME.IO"`, false, "IVAN@acme.io"},
		{"customer_id", sub, polar.SeatAssign{CustomerID: str(accCarolCustomerID)}, fmt.Sprintf(`customer_id = %q`, accCarolCustomerID), false, ""},
		{"customer_by_email", order, polar.SeatAssign{CustomerID: str(accCarolCustomerID)}, `email = "carol@acme.io"`, false, "carol@acme.io"},
		{"external_customer_id", small, polar.SeatAssign{ExternalCustomerID: str("cus_carol")}, `external_customer_id = "cus_carol"`, true, ""},
		{"member_id", sub, polar.SeatAssign{ExternalMemberID: str("emp_erin")}, fmt.Sprintf(`member_id = %q`, accErinMemberID), false, ""},
		{"external_member_id", order, polar.SeatAssign{MemberID: str(accErinMemberID)}, `external_member_id = "emp_erin"`, false, ""},
		{"external_member_id_with_email", small, polar.SeatAssign{MemberID: str(accErinMemberID)}, "external_member_id = \"emp_erin\"\n  email = \"Erin@acme.io\"", false, ""},
		{"immediate_claim_and_metadata", sub, polar.SeatAssign{Email: str("judy@acme.io"), ImmediateClaim: true, Metadata: map[string]any{"team": "ops"}},
			"email = \"judy@acme.io\"\n  metadata = { team = \"ops\" }", false, ""},
	}
	var cfg strings.Builder
	var checks []plancheck.PlanCheck
	for _, c := range cases {
		req := c.assign
		if c.container.Kind == polar.ContainerOrder {
			req.OrderID = str(c.container.ID)
		} else {
			req.SubscriptionID = str(c.container.ID)
		}
		seat, err := e.client.AssignSeat(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		last := seat.ID
		if c.byEmail != "" {
			last = c.byEmail
		}
		fmt.Fprintf(&cfg, "import {\n  to = polar_customer_seat.%s\n  id = \"%s/%s/%s\"\n}\n", c.name, c.container.Kind, c.container.ID, last)
		fmt.Fprintf(&cfg, "resource \"polar_customer_seat\" %q {\n  %s_id = %q\n  %s\n}\n", c.name, c.container.Kind, c.container.ID, c.attrs)
		action := plancheck.ResourceActionNoop
		if c.inPlace {
			action = plancheck.ResourceActionUpdate
		}
		checks = append(checks, plancheck.ExpectResourceAction("polar_customer_seat."+c.name, action))
	}
	// plugin-testing checks after the apply that the next plan is empty.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           e.config("%s", cfg.String()),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
		}},
	})
}

func TestAccCustomerSeat_import_errors(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	ctx := context.Background()
	revoked, err := e.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("gone@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.RevokeSeat(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	sub := e.subscriptionID
	cases := []struct{ id, want string }{
		{"nonsense", `invalid import ID "nonsense": it must have three parts`},
		{"team/" + sub + "/x@acme.io", `the first part must be "subscription" or "order"`},
		{"subscription/not-a-uuid/x@acme.io", `the subscription id "not-a-uuid" is not a lowercase version-4 UUID`},
		{"subscription/" + sub + "/bob", `neither a seat id`},
		{"subscription/" + sub + "/bob@", `is not a valid email address`},
		{"order/" + sub + "/x@acme.io", `the order ` + sub + ` does not exist in the organization of the access token`},
		{"subscription/" + sub + "/44444444-4444-4444-8444-444444444444", `has no seat 44444444-4444-4444-8444-444444444444`},
		{"subscription/" + sub + "/nobody@acme.io", `has no active seat for nobody@acme.io`},
		{"subscription/" + sub + "/" + revoked.ID, `Seat ` + revoked.ID + ` of the subscription ` + sub + ` is revoked`},
	}
	// One plan with an import block per case: each case's error must be
	// there, and the failed imports write nothing.
	e.resetRequests()
	var bad []badInput
	for _, c := range cases {
		bad = append(bad, badInput{c.id, fmt.Sprintf("import {\n  to = polar_customer_seat.NAME\n  id = %q\n}\nresource \"polar_customer_seat\" \"NAME\" {\n  subscription_id = %q\n  email = \"x@acme.io\"\n}", c.id, sub), wrapped(c.want)})
	}
	e.cliRefusesEach(bad, "plan", "-json")
	if _, by := e.requests(); by["POST /v1/customer-seats"]+by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatalf("a failed import wrote: %v", by)
	}
}

// An identity must name the seat and exactly one container.
func TestCustomerSeat_import_identityErrors(t *testing.T) {
	t.Parallel()
	_, url := testsupport.Emulator(t, nil)
	p := newProtoEnv(t, url, emulator.DemoToken)
	ids, _ := p.server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	idType := ids.IdentitySchemas["polar_customer_seat"].ValueType()
	seat := "2b8e3f8a-6c1d-4e2f-9a3b-5c7d9e1f2a4b"
	for name, c := range map[string]struct {
		set  map[string]tftypes.Value
		want string
	}{
		"both containers":  {map[string]tftypes.Value{"seat_id": tftypes.NewValue(tftypes.String, seat), "subscription_id": tftypes.NewValue(tftypes.String, emulator.DemoSubscriptionID), "order_id": tftypes.NewValue(tftypes.String, emulator.DemoOrderID)}, "Set exactly one of subscription_id and order_id"},
		"no container":     {map[string]tftypes.Value{"seat_id": tftypes.NewValue(tftypes.String, seat)}, "Set exactly one of subscription_id and order_id"},
		"seat id not uuid": {map[string]tftypes.Value{"seat_id": tftypes.NewValue(tftypes.String, "s1"), "order_id": tftypes.NewValue(tftypes.String, emulator.DemoOrderID)}, "seat_id must be the seat's id"},
		"unknown seat":     {map[string]tftypes.Value{"seat_id": tftypes.NewValue(tftypes.String, seat), "order_id": tftypes.NewValue(tftypes.String, emulator.DemoOrderID)}, "has no seat " + seat},
		"container not v4": {map[string]tftypes.Value{"seat_id": tftypes.NewValue(tftypes.String, seat), "order_id": tftypes.NewValue(tftypes.String, "3a2b1c0d-9e8f-1a7b-b6c5-d4e3f2a1b0c9")}, "order_id must be a lowercase version-4 UUID"},
	} {
		imp, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: "polar_customer_seat",
			Identity: &tfprotov6.ResourceIdentityData{IdentityData: p.dynamic(idType, p.value(idType, c.set))}})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, d := range imp.Diagnostics {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
		if !hasError(imp.Diagnostics) || !strings.Contains(strings.Join(msgs, "\n"), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, msgs, c.want)
		}
	}
}

// With Terraform 1.12+: every seat carries its identity, and an import block
// with an identity adopts a seat and plans clean, without a write. (Skipped,
// saying so, on older Terraform; TestCustomerSeat_query_generateImportPlansClean
// covers the same at the protocol level everywhere.)
func TestAccCustomerSeat_import_byIdentity(t *testing.T) {
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
