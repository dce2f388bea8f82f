package provider

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
	var contractorSeat atomic.Pointer[string]
	lost := newLostAssignEnv(t, lostAssignStage{beforeRetry: func(direct *polar.Client) {
		s, err := direct.AssignSeat(context.Background(), polar.SeatAssign{OrderID: str(emulator.DemoOrderID), ExternalMemberID: str("emp_4711")})
		if err != nil {
			t.Error(err)
			return
		}
		contractorSeat.Store(&s.ID)
	}})
	resp := lost.create("customer_id", emulator.DemoCustomerID)
	theirs := contractorSeat.Load()
	if theirs == nil {
		t.Fatalf("the staging did not run (%d assignments sent): %v", lost.posts.Load(), resp.Diagnostics)
	}
	if resp.NewState != nil {
		if id := stringOf(lost.p.attrs(lost.typ, resp.NewState)["id"]); id == *theirs {
			t.Fatalf("state records seat %s, the contractor's (emp_4711), as the billing customer's seat; diagnostics %v", id, resp.Diagnostics)
		}
	}
	if !hasError(resp.Diagnostics) {
		t.Fatalf("no error although no seat was assigned to the billing customer: %v", resp.Diagnostics)
	}
	list, err := lost.direct.ListSeats(context.Background(), lostAssignOrder)
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

// lostAssignOrder is the order of newLostAssignEnv: 3 seats, 2 taken.
var lostAssignOrder = polar.Container{Kind: polar.ContainerOrder, ID: emulator.DemoOrderID}

// lostAssignStaging is the user agent of the staging's own requests.
const lostAssignStaging = "staging"

// lostAssignEnv is a provider whose first assignment gets no answer, on an
// order with one seat left.
type lostAssignEnv struct {
	p      *protoEnv
	typ    tftypes.Type
	direct *polar.Client
	posts  atomic.Int32 // the provider's assignments
}

// lostAssignStage says how: the organization's model, whether Polar
// applied the first assignment (its answer lost) or never saw it (a 502),
// and what happens when the retry arrives, before Polar sees it.
type lostAssignStage struct {
	memberModel, firstLands bool
	beforeRetry             func(direct *polar.Client)
}

func newLostAssignEnv(t *testing.T, stage lostAssignStage) *lostAssignEnv {
	t.Helper()
	f := emulator.DemoFixture()
	f.Organizations[0].MemberModelEnabled = stage.memberModel
	emu, err := emulator.New(f)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testsupport.Intercept(t, emu)
	e := &lostAssignEnv{}
	if e.direct, err = polar.NewClient(polar.Config{BaseURL: proxy.URL, Token: emulator.DemoToken, MaxRetries: polar.Retries(0), UserAgent: lostAssignStaging}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"one@acme.io", "two@acme.io"} {
		if _, err := e.direct.AssignSeat(context.Background(), polar.SeatAssign{OrderID: str(lostAssignOrder.ID), Email: str(email)}); err != nil {
			t.Fatal(err)
		}
	}
	proxy.OnRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/customer-seats" || r.UserAgent() == lostAssignStaging {
			return false
		}
		switch e.posts.Add(1) {
		case 1:
			if stage.firstLands {
				proxy.Record(r).Drop(w)
			} else {
				w.WriteHeader(http.StatusBadGateway) // Polar never saw it
			}
			return true
		case 2:
			if stage.beforeRetry != nil {
				stage.beforeRetry(e.direct)
			}
		}
		return false
	})
	e.p = newProtoEnv(t, proxy.URL, emulator.DemoToken)
	e.typ = e.p.resourceType("polar_customer_seat")
	return e
}

// create plans and applies a polar_customer_seat of the order for the
// recipient attribute given.
func (e *lostAssignEnv) create(attr, value string) *tfprotov6.ApplyResourceChangeResponse {
	return e.p.create(context.Background(), "polar_customer_seat", e.p.value(e.typ, map[string]tftypes.Value{
		"order_id":        tftypes.NewValue(tftypes.String, lostAssignOrder.ID),
		attr:              tftypes.NewValue(tftypes.String, value),
		"immediate_claim": tftypes.NewValue(tftypes.Bool, false),
	}))
}

// After a 502 that Polar never applied, someone else takes the order's
// last seat, and the retry is refused for no seat left; the list shows no
// seat for the recipient and none available. The error says what is true —
// the order is full, the lost attempt assigned nothing that the list shows —
// and what to do: free a seat or buy more (not only "import it if it
// exists").
func TestCustomerSeat_adopt_fullAfterALostAnswerSaysSo(t *testing.T) {
	t.Parallel() // its own emulator
	lost := newLostAssignEnv(t, lostAssignStage{beforeRetry: func(direct *polar.Client) {
		if _, err := direct.AssignSeat(context.Background(), polar.SeatAssign{OrderID: str(lostAssignOrder.ID), Email: str("last@acme.io")}); err != nil {
			t.Error(err)
		}
	}})
	resp := lost.create("email", "late@acme.io")
	if n := lost.posts.Load(); n != 2 {
		t.Fatalf("%d assignments sent, want the lost one and one retry: %s", n, diagText(resp.Diagnostics))
	}
	if id := stringOf(lost.p.attrs(lost.typ, resp.NewState)["id"]); id != "" {
		t.Fatalf("state records seat %s, but none was assigned", id)
	}
	if !diagWith(resp.Diagnostics, tfprotov6.DiagnosticSeverityError, "available_seats = 0", "Free a seat") {
		t.Fatalf("the error does not say the order is full and what to do:\n%s", diagText(resp.Diagnostics))
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

// In a member-model organization a seat assigned by customer_id has the
// billing customer's id, so the seat list cannot show it by the customer's
// id. The lost assignment took the order's last seat; the retry is refused
// for no seat left. The error must not say the lost attempt assigned
// nothing: the seat may exist, and the way to find it is to look.
func TestCustomerSeat_adopt_fullAfterALostAnswerByCustomerIDIsUnknown(t *testing.T) {
	t.Parallel() // its own emulator
	lost := newLostAssignEnv(t, lostAssignStage{memberModel: true, firstLands: true})
	resp := lost.create("customer_id", emulator.DemoOpsCustomerID)
	list, err := lost.direct.ListSeats(context.Background(), lostAssignOrder)
	if err != nil {
		t.Fatal(err)
	}
	if list.AvailableSeats != 0 || lost.posts.Load() != 2 {
		t.Fatalf("staging: %d assignments sent, %d seats available, want 2 and 0: %s", lost.posts.Load(), list.AvailableSeats, diagText(resp.Diagnostics))
	}
	if diagWith(resp.Diagnostics, tfprotov6.DiagnosticSeverityError, "assigned none") || !diagWith(resp.Diagnostics, tfprotov6.DiagnosticSeverityError, "may or may not exist") {
		t.Fatalf("the lost assignment took the last seat; the error must say the seat may exist:\n%s", diagText(resp.Diagnostics))
	}
}
