package provider

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// The billing customer is given a seat by customer_id (a legacy
// organization: the seat's customer_id is the person's own customer). The
// first assignment gets a 502 that Polar never applied; before the retry,
// someone else gives a member of the billing customer the order's last seat
// by external_member_id — a seat whose customer_id is the billing customer
// too (Polar's member path). The retry is refused for no seat left. That
// seat holds the contractor, not the billing customer: it must not be
// adopted, and state must not record it (its destroy would revoke the
// contractor's seat).
func TestCustomerSeat_adopt_lostAssignNeverAdoptsAnotherMembersSeat(t *testing.T) {
	t.Parallel() // its own emulator
	emu, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testsupport.Intercept(t, emu)
	direct, err := polar.NewClient(polar.Config{BaseURL: proxy.URL, Token: emulator.DemoToken, MaxRetries: polar.Retries(0)})
	if err != nil {
		t.Fatal(err)
	}
	order := polar.Container{Kind: polar.ContainerOrder, ID: emulator.DemoOrderID}
	// The order has 3 seats: two are taken, one is left.
	for _, email := range []string{"one@acme.io", "two@acme.io"} {
		if _, err := direct.AssignSeat(context.Background(), polar.SeatAssign{OrderID: str(emulator.DemoOrderID), Email: str(email)}); err != nil {
			t.Fatal(err)
		}
	}
	var posts atomic.Int32
	var contractorSeat atomic.Pointer[string]
	proxy.OnRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/customer-seats" {
			return false
		}
		switch posts.Add(1) {
		case 1:
			// Lost on its way: Polar never saw it.
			w.WriteHeader(http.StatusBadGateway)
			return true
		case 2:
			// Before the retry arrives, someone else takes the last seat.
			s, err := direct.AssignSeat(context.Background(), polar.SeatAssign{OrderID: str(emulator.DemoOrderID), ExternalMemberID: str("emp_4711")})
			if err != nil {
				t.Error(err)
				return false
			}
			contractorSeat.Store(&s.ID)
		}
		return false
	})
	p := newProtoEnv(t, proxy.URL, emulator.DemoToken)
	typ := p.resourceType("polar_customer_seat")
	cfg := p.value(typ, map[string]tftypes.Value{
		"order_id":        tftypes.NewValue(tftypes.String, emulator.DemoOrderID),
		"customer_id":     tftypes.NewValue(tftypes.String, emulator.DemoCustomerID),
		"immediate_claim": tftypes.NewValue(tftypes.Bool, false),
	})
	resp := p.create(context.Background(), "polar_customer_seat", cfg)
	theirs := contractorSeat.Load()
	if theirs == nil {
		t.Fatalf("the staging did not run (%d assignments sent): %v", posts.Load(), resp.Diagnostics)
	}
	if resp.NewState != nil {
		if id := stringOf(p.attrs(typ, resp.NewState)["id"]); id == *theirs {
			t.Fatalf("state records seat %s, the contractor's (emp_4711), as the billing customer's seat; diagnostics %v", id, resp.Diagnostics)
		}
	}
	if !hasError(resp.Diagnostics) {
		t.Fatalf("no error although no seat was assigned to the billing customer: %v", resp.Diagnostics)
	}
	list, err := direct.ListSeats(context.Background(), order)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := list.Find(*theirs); !ok || !s.Status.Active() || s.Member == nil || s.Member.ExternalID == nil || *s.Member.ExternalID != "emp_4711" {
		t.Fatalf("the contractor's seat changed: %+v", s)
	}
	for _, d := range resp.Diagnostics {
		if strings.Contains(d.Detail, *theirs) && strings.Contains(d.Summary, "adopted") {
			t.Fatalf("the contractor's seat was reported adopted: %s: %s", d.Summary, d.Detail)
		}
	}
}

// In a member-model organization, a polar_customer_seat for the billing
// customer by customer_id beside a polar_customer_seat for a member by
// external_member_id: every seat's customer_id is the billing customer
// there, but the two are two people (Polar gives each a seat). The plan
// must not refuse them as a fight over the member's seat, and the apply
// assigns both.
func TestCustomerSeat_adopt_billingCustomerByIDFightsNoMembersSeat(t *testing.T) {
	t.Parallel() // its own emulator
	e := newTrEnv(t)
	f := accFixture()
	f.Organizations[0].MemberModelEnabled = true
	if err := e.emu.Load(f); err != nil {
		t.Fatal(err)
	}
	p := e.process()
	null := tftypes.NewValue(p.resourceType(trSeat), nil)
	erin := &trObj{typeName: trSeat, config: p.seatConfig(trOrder, "external_member_id", "emp_erin"), state: null}
	e.up(erin)
	billing := &trObj{typeName: trSeat, config: p.seatConfig(trOrder, "customer_id", emulator.DemoCustomerID), state: null}
	plans, diags := e.planAll(erin, billing)
	if hasError(diags) {
		t.Fatalf("the plan refuses two resources for two people:\n%s", diagText(diags))
	}
	if applied := e.applyAll(plans...); hasError(applied) {
		t.Fatalf("apply: %s", diagText(applied))
	}
	mine, theirs := attrOf(billing.state, "id"), attrOf(erin.state, "id")
	if mine == "" || mine == theirs || e.seat(trOrder, mine).Email == nil || *e.seat(trOrder, mine).Email != "billing@acme.io" {
		t.Fatalf("the billing customer's seat %q (erin's %q): %+v", mine, theirs, e.seat(trOrder, mine))
	}
}
