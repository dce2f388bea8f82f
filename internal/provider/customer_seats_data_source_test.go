package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

func TestAccCustomerSeatsDataSource_read_basic(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	ctx := context.Background()
	// Three seats in creation order: pending, claimed, revoked.
	var ids []string
	for _, r := range []polar.SeatAssign{{Email: str("p@acme.io")}, {Email: str("c@acme.io"), ImmediateClaim: true, Metadata: map[string]any{"team": "ops"}}, {Email: str("r@acme.io")}} {
		r.SubscriptionID = str(e.subscriptionID)
		s, err := e.client.AssignSeat(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if _, err := e.client.RevokeSeat(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	orderSeat, err := e.client.AssignSeat(ctx, polar.SeatAssign{OrderID: str(e.orderID), ExternalMemberID: str("emp_erin")})
	if err != nil {
		t.Fatal(err)
	}
	// One configuration reads the subscription whole, the subscription
	// filtered, and the order filtered.
	const all, filtered, order = "data.polar_customer_seats.all", "data.polar_customer_seats.filtered", "data.polar_customer_seats.order"
	seat := func(i int) tfjsonpath.Path { return tfjsonpath.New("seats").AtSliceIndex(i) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.config(`
data "polar_customer_seats" "all" {
  subscription_id = %[1]q
}
data "polar_customer_seats" "filtered" {
  subscription_id = %[1]q
  statuses        = ["claimed", "revoked"]
}
data "polar_customer_seats" "order" {
  order_id = %[2]q
  statuses = ["pending"]
}`, e.subscriptionID, e.orderID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("total_seats"), knownvalue.Int64Exact(5)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("available_seats"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("seats"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(all, seat(0).AtMapKey("id"), knownvalue.StringExact(ids[0])),
				statecheck.ExpectKnownValue(all, seat(0).AtMapKey("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue(all, seat(0).AtMapKey("invitation_token_expires_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(all, seat(0).AtMapKey("member").AtMapKey("email"), knownvalue.StringExact("p@acme.io")),
				statecheck.ExpectKnownValue(all, seat(1).AtMapKey("id"), knownvalue.StringExact(ids[1])),
				statecheck.ExpectKnownValue(all, seat(1).AtMapKey("status"), knownvalue.StringExact("claimed")),
				statecheck.ExpectKnownValue(all, seat(1).AtMapKey("seat_metadata"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("ops")})),
				statecheck.ExpectKnownValue(all, seat(2).AtMapKey("id"), knownvalue.StringExact(ids[2])),
				statecheck.ExpectKnownValue(all, seat(2).AtMapKey("status"), knownvalue.StringExact("revoked")),
				statecheck.ExpectKnownValue(all, seat(2).AtMapKey("revoked_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(all, seat(2).AtMapKey("email"), knownvalue.Null()),
				statecheck.ExpectKnownValue(all, seat(2).AtMapKey("member"), knownvalue.Null()),
				// The counts are never filtered.
				statecheck.ExpectKnownValue(filtered, tfjsonpath.New("available_seats"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(filtered, tfjsonpath.New("seats"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue(filtered, seat(0).AtMapKey("id"), knownvalue.StringExact(ids[1])),
				statecheck.ExpectKnownValue(filtered, seat(1).AtMapKey("id"), knownvalue.StringExact(ids[2])),
				statecheck.ExpectKnownValue(order, tfjsonpath.New("total_seats"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(order, tfjsonpath.New("available_seats"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(order, tfjsonpath.New("seats"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue(order, seat(0).AtMapKey("id"), knownvalue.StringExact(orderSeat.ID)),
				statecheck.ExpectKnownValue(order, seat(0).AtMapKey("order_id"), knownvalue.StringExact(e.orderID)),
				statecheck.ExpectKnownValue(order, seat(0).AtMapKey("subscription_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(order, seat(0).AtMapKey("member").AtMapKey("external_id"), knownvalue.StringExact("emp_erin")),
			},
		}},
	})
}

// Ties on created_at are broken by id, so the order is stable.
func TestAccCustomerSeatsDataSource_read_stableOrder(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	f := accFixture()
	o := &f.Organizations[0]
	seatIDs := []string{"f0000000-0000-4000-8000-000000000003", "f0000000-0000-4000-8000-000000000001", "f0000000-0000-4000-8000-000000000002"}
	for i, id := range seatIDs {
		sub := emulator.DemoSubscriptionID
		o.Seats = append(o.Seats, emulator.FixtureSeat{ID: id, SubscriptionID: &sub, Status: "claimed",
			Email: emulator.Optional[string]{Set: true, Value: fmt.Sprintf("s%d@acme.io", i)}})
	}
	e.must(e.emulator().Load(f))
	cfg := e.config(`
data "polar_customer_seats" "test" {
  subscription_id = %q
}
output "ids" {
  value = data.polar_customer_seats.test.seats[*].id
}`, e.subscriptionID)
	want := knownvalue.ListExact([]knownvalue.Check{
		knownvalue.StringExact(seatIDs[1]), knownvalue.StringExact(seatIDs[2]), knownvalue.StringExact(seatIDs[0]),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// plugin-testing plans twice more after the apply; a read in another
		// order would change the output and fail those plans.
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("ids", want)}},
		},
	})
}

func TestAccCustomerSeatsDataSource_errors_refused(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.config(`
data "polar_customer_seats" "test" {
  subscription_id = "44444444-4444-4444-8444-444444444444"
}`),
			ExpectError: wrapped("Polar has no subscription 44444444-4444-4444-8444-444444444444 in the organization of the access token"),
		}, {
			PreConfig: func() {
				e.must(e.emulator().SetSeatBasedPricing(emulator.DemoOrganizationID, false))
			},
			Config: e.config(`
data "polar_customer_seats" "test" {
  order_id = %q
}`, e.orderID),
			ExpectError: wrapped("Seat-based pricing is not enabled for this organization"),
		}},
	})
}

// A container Polar does not know is most often a token of another
// organization or server: the error names where the token came from, as the
// resources' errors do. Runs in the sandbox lane too (no control API).
func TestAccCustomerSeatsDataSource_errors_containerNotFoundNamesTokenSource(t *testing.T) {
	e := newAccEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.config(`
data "polar_customer_seats" "test" {
  order_id = "44444444-4444-4444-8444-444444444444"
}`),
			ExpectError: wrapped("Polar has no order 44444444-4444-4444-8444-444444444444 in the organization of the access token. " +
				"This run talks to " + e.url + " with the token from " + e.tokenSource() + "."),
		}},
	})
}

// The data source reads a seat this test assigned outside Terraform. The
// container may hold other people's seats (the sandbox lane shares it), so
// only this test's seat is checked. Runs in the sandbox lane too (no control
// API).
func TestAccCustomerSeatsDataSource_read_seatAssignedOutside(t *testing.T) {
	e := newAccEnv(t)
	email := e.email("outside")
	var seatID string
	t.Cleanup(func() {
		if seatID == "" {
			return
		}
		if _, err := e.client.RevokeSeat(context.Background(), seatID); err != nil {
			t.Errorf("revoking the test's seat %s: %v", seatID, err)
		}
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Assigned once the test runs, not before ParallelTest pauses
			// it: in the sandbox lane an exclusive test running meanwhile
			// would revoke it.
			PreConfig: func() {
				s, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &e.subscriptionID, Email: &email, Metadata: map[string]any{"team": "ops"}})
				e.must(err)
				seatID = s.ID
			},
			Config: e.config(`
data "polar_customer_seats" "test" {
  subscription_id = %q
  statuses        = ["pending"]
}
output "mine" {
  value = [for s in data.polar_customer_seats.test.seats : [s.id, s.status, s.seat_metadata.team] if s.email == %q]
}`, e.subscriptionID, email),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("mine", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ListExact([]knownvalue.Check{lateString(func() string { return seatID }), knownvalue.StringExact("pending"), knownvalue.StringExact("ops")}),
				})),
			},
		}},
	})
}

// lateString is a knownvalue check for a string known only once the test
// runs (an id Polar gives in a PreConfig).
type lateString func() string

func (f lateString) CheckValue(v any) error {
	if s, ok := v.(string); !ok || s != f() {
		return fmt.Errorf("expected %q, got %v", f(), v)
	}
	return nil
}

func (f lateString) String() string { return f() }
