package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Removing many recipients at once: every revoke's ownership check reads a
// list fetched after the removals were decided — so a seat revoked and
// given to someone else out of band since the plan is left alone — and the
// revokes decided together share it: one list for the batch, not one per
// few revokes (which made removing 5,000 of 10,000 seats read the container
// about a thousand times).
func TestCustomerSeatAssignments_revokes_shareOneListFetchedAfterTheDecision(t *testing.T) {
	cache, client, srv, _ := newCacheEnv(t)
	ctx := context.Background()
	const n = 40
	if err := srv.SetSeats("subscription", demoSub.ID, n+1); err != nil {
		t.Fatal(err)
	}
	var held []heldSeat
	for i := range n {
		email := fmt.Sprintf("p%d@acme.io", i)
		s, err := client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: &demoSub.ID, Email: &email})
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, heldSeat{recipient: recipient{form: recipientForms[0], value: email}, id: s.ID, status: string(s.Status)})
	}
	// The plan's list, cached.
	if _, err := cache.List(ctx, demoSub); err != nil {
		t.Fatal(err)
	}
	// Since the plan: p5's seat was revoked out of band and Polar gave its
	// row to a newcomer.
	if _, err := client.RevokeSeat(ctx, held[5].id); err != nil {
		t.Fatal(err)
	}
	newcomer, err := client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: &demoSub.ID, Email: str("newcomer@acme.io")})
	if err != nil || newcomer.ID != held[5].id {
		t.Fatalf("the emulator did not reuse the revoked row: %v %+v", err, newcomer)
	}
	_, before := srv.Requests()

	r := &customerSeatAssignmentsResource{data: &providerData{client: client, seats: cache}}
	notRevoked, diags := r.revokeAll(ctx, demoSub, held, unansweredRevokes{})
	if diags.HasError() || len(notRevoked) != 0 {
		t.Fatalf("revokeAll: %d not revoked, %v", len(notRevoked), diags)
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Summary(), "left alone: it holds someone else now") {
		t.Fatalf("want one warning about the newcomer's seat, got %v", diags)
	}
	_, after := srv.Requests()
	if got := after["DELETE /v1/customer-seats/{seat_id}"] - before["DELETE /v1/customer-seats/{seat_id}"]; got != n-1 {
		t.Fatalf("%d revokes sent, want %d", got, n-1)
	}
	if got := after["GET /v1/customer-seats"] - before["GET /v1/customer-seats"]; got != 1 {
		t.Fatalf("%d revokes decided together read %d lists, want 1", n, got)
	}
	l, err := client.ListSeats(ctx, demoSub)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := l.Find(newcomer.ID); s.Status != polar.SeatStatusPending || derefStr(s.Email) != "newcomer@acme.io" {
		t.Fatalf("the newcomer's seat was touched: %+v", s)
	}
}

// The list a revoke checks: for revokes decided together, any list whose
// request started after the decision, but none older than
// revokeCheckMaxAge; a revoke looking again after a lost answer, or
// decided alone, a list that starts now.
func TestSeatWriter_batch_checkSince(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	decided := now.Add(-10 * time.Second)
	for _, tc := range []struct {
		name    string
		decided time.Time
		attempt int
		want    time.Time
	}{
		{"batch, first look", decided, 1, decided},
		{"batch running for long", now.Add(-time.Hour), 1, now.Add(-revokeCheckMaxAge)},
		{"after a lost answer", decided, 2, now},
		{"decided alone", time.Time{}, 1, now},
	} {
		if got := checkSince(tc.decided, now, tc.attempt); !got.Equal(tc.want) {
			t.Errorf("%s: since %s, want %s", tc.name, got, tc.want)
		}
	}
}
