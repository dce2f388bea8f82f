package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// An interrupt before a revoke is sent says the seat was not revoked, not
// that anything failed at Polar or that the outcome is unknown.
func TestSeatWriter_trust_revokeInterruptedBeforeSending(t *testing.T) {
	emu, url := testsupport.Emulator(t, nil)
	client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	seat, err := client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(emulator.DemoSubscriptionID), Email: str("kept@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	r := &customerSeatResource{data: &providerData{client: client, seats: newSeatCache(client), endpoint: url, tokenSource: "a test"}}
	m := importedModel(seat)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, diags := r.revoke(ctx, &m, occupantOf(seat), time.Time{})
	msg := fmt.Sprint(diags)
	if !diags.HasError() || strings.Contains(msg, "outcome unknown") || strings.Contains(msg, "The Polar API call failed") || !strings.Contains(msg, "nothing was changed") {
		t.Fatalf("diagnostics %s", msg)
	}
	if _, by := emu.Requests(); by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatal("a revoke was sent after the interrupt")
	}
}

// assignment.decide, the decision after an assign answer was lost, one row
// per outcome in the order it tries them.
func TestSeatWriter_assign_decideAfterALostAnswer(t *testing.T) {
	type outcome struct {
		adopted  bool   // the seat assigned in setup is returned
		again    bool   // try the assignment again
		severity string // "warning", "error" or "" (no diagnostic)
		phrase   string // in the diagnostic's detail
	}
	byEmail := polar.SeatAssign{SubscriptionID: str(emulator.DemoSubscriptionID), Email: str("lost@acme.io")}
	// external_customer_id: Polar's list cannot show who holds a seat by it.
	byExternalID := polar.SeatAssign{SubscriptionID: str(emulator.DemoSubscriptionID), ExternalCustomerID: str("cus_lost")}
	alreadyAssigned := &polar.Error{StatusCode: 400, Code: polar.CodeSeatAlreadyAssigned, Detail: "already assigned"}
	noSeatLeft := &polar.Error{StatusCode: 400, Code: polar.CodeSeatNotAvailable, Detail: "No available seats for " + emulator.DemoSubscriptionID}
	notSent := &polar.TransportError{Method: http.MethodPost, Route: "/v1/customer-seats", Err: errors.New("connection refused")}
	now := time.Now()
	duringTheRequest := attemptWindow{from: now.Add(-time.Second), to: now.Add(time.Minute)}
	anHourAgo := attemptWindow{from: now.Add(-2 * time.Hour), to: now.Add(-time.Hour)}
	for _, tc := range []struct {
		name      string
		req       polar.SeatAssign
		assigned  bool // a seat holds the recipient when decide lists
		window    attemptWindow
		listFails bool
		twoHold   bool // the fixture has two active seats for the recipient (legacy organizations can)
		refused   error
		ended     bool // the operation has ended
		mayRetry  bool
		want      outcome
	}{
		{name: "assigned while our request was on its way: adopted", req: byEmail, assigned: true, window: duringTheRequest, mayRetry: true,
			want: outcome{adopted: true, severity: "warning", phrase: "is taken as the one this resource assigned"}},
		{name: "assigned outside that time: someone else's", req: byEmail, assigned: true, window: anHourAgo, mayRetry: true,
			want: outcome{severity: "error", phrase: "assigned by someone else"}},
		{name: "two seats hold the recipient: which one is not told", req: byEmail, twoHold: true, window: duringTheRequest, mayRetry: true,
			want: outcome{severity: "error", phrase: "the list shows 2 seats that hold the recipient"}},
		{name: "the container cannot be listed", req: byEmail, window: duringTheRequest, listFails: true, mayRetry: true,
			want: outcome{severity: "error", phrase: "the container could not be listed to check"}},
		{name: "a retry refused as already assigned, recipient the list cannot show", req: byExternalID, window: duringTheRequest, refused: alreadyAssigned,
			want: outcome{severity: "error", phrase: "most likely assigned by that attempt"}},
		{name: "the operation has ended", req: byEmail, window: duringTheRequest, ended: true, mayRetry: true,
			want: outcome{severity: "error", phrase: "the operation timed out or was interrupted"}},
		{name: "nothing there and attempts left: try again", req: byEmail, window: duringTheRequest, mayRetry: true,
			want: outcome{again: true}},
		{name: "nothing the list can show, no attempt left", req: byExternalID, window: duringTheRequest,
			want: outcome{severity: "error", phrase: "cannot show a seat by external_customer_id"}},
		{name: "nothing there, no attempt left", req: byEmail, window: duringTheRequest,
			want: outcome{severity: "error", phrase: "the retries are used up"}},
		{name: "a retry refused for no seat left while the list shows none: unknown, not refused", req: byEmail, window: duringTheRequest, refused: noSeatLeft,
			want: outcome{severity: "error", phrase: "the unanswered attempt may still land"}},
		{name: "a retry not sent", req: byEmail, window: duringTheRequest, refused: notSent,
			want: outcome{severity: "error", phrase: "a retry could not be sent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fixture *emulator.Fixture
			if tc.twoHold {
				fixture = twoSeatsFor(t, *tc.req.Email)
			}
			emu, url := testsupport.Emulator(t, fixture)
			client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken, MaxRetries: polar.Retries(0)})
			if err != nil {
				t.Fatal(err)
			}
			var assigned *polar.CustomerSeat
			if tc.assigned {
				if assigned, err = client.AssignSeat(context.Background(), tc.req); err != nil {
					t.Fatal(err)
				}
			}
			if tc.listFails {
				testsupport.InjectFault(t, emu, emulator.Fault{Method: http.MethodGet, Path: "/v1/customer-seats", Kind: "status", Status: 401, Times: 1})
			}
			sw := &seatWriter{providerData: &providerData{client: client, seats: newSeatCache(client), endpoint: url, tokenSource: "a test"}, adoptHint: importHint}
			a := sw.newAssignment(tc.req)
			window := tc.window
			a.window, a.lost = &window, errors.New("POST /v1/customer-seats: 502 Bad Gateway")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.ended {
				cancel()
			}
			seat, diags, again := a.decide(ctx, tc.refused, tc.mayRetry)
			if again != tc.want.again || (seat != nil) != tc.want.adopted || (seat != nil && seat.ID != assigned.ID) {
				t.Fatalf("seat %v, again %v; want adopted %v, again %v", seat, again, tc.want.adopted, tc.want.again)
			}
			if tc.want.severity == "" {
				if len(diags) != 0 {
					t.Fatalf("diagnostics %v, want none", diags)
				}
				return
			}
			if len(diags) != 1 || !strings.EqualFold(diags[0].Severity().String(), tc.want.severity) || !strings.Contains(diags[0].Detail(), tc.want.phrase) {
				t.Fatalf("diagnostics %v, want one %s saying %q", diags, tc.want.severity, tc.want.phrase)
			}
		})
	}
}

// twoSeatsFor is the demo fixture with two claimed seats of the demo
// subscription for one email.
func twoSeatsFor(t *testing.T, email string) *emulator.Fixture {
	t.Helper()
	f := emulator.DemoFixture()
	for i := range f.Organizations {
		for _, sub := range f.Organizations[i].Subscriptions {
			if sub.ID != emulator.DemoSubscriptionID {
				continue
			}
			for _, id := range []string{"5eed0000-0000-4000-8000-000000000001", "5eed0000-0000-4000-8000-000000000002"} {
				f.Organizations[i].Seats = append(f.Organizations[i].Seats, emulator.FixtureSeat{ID: id, SubscriptionID: str(emulator.DemoSubscriptionID),
					Status: "claimed", Email: emulator.Optional[string]{Set: true, Value: email}})
			}
			return f
		}
	}
	t.Fatal("no demo subscription in the demo fixture")
	return nil
}
