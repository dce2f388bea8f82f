package polar_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// listBody is Polar's answer to a list of n seats, each shaped as Polar
// sends it: an email, the customer, a member with an external id, the
// timestamps, and two metadata keys.
func listBody(tb testing.TB, n int) []byte {
	tb.Helper()
	sub := "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	expires := at.Add(polar.InvitationValidity)
	list := polar.SeatsList{TotalSeats: n, Seats: make([]polar.CustomerSeat, n)}
	for i := range list.Seats {
		id := fmt.Sprintf("%08x-1e2f-4a6b-8c9d-%012x", i, i)
		email := fmt.Sprintf("person%d@large-customer.example", i)
		ext := fmt.Sprintf("emp-%d", i)
		list.Seats[i] = polar.CustomerSeat{
			CreatedAt: at, ModifiedAt: &at, ID: id, SubscriptionID: &sub, Status: polar.SeatStatusPending,
			CustomerID: &id, MemberID: &id, Email: &email, CustomerEmail: &email, InvitationTokenExpiresAt: &expires,
			Member:       &polar.Member{ID: id, CreatedAt: at, CustomerID: id, Email: email, ExternalID: &ext, Role: polar.MemberRoleMember},
			SeatMetadata: map[string]any{"team": "engineering", "cost_center": json.Number("4711")},
		}
	}
	body, err := json.Marshal(list)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// listServer answers every list with body.
func listServer(tb testing.TB, body []byte) *polar.Client {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	c, err := polar.NewClient(polar.Config{BaseURL: srv.URL, Token: "polar_oat_bench"})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

var benchSub = polar.Container{Kind: polar.ContainerSubscription, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}

// BenchmarkListSeats reads the list answer of a large container: time,
// memory allocated, and the answer's size
// (go test -run '^$' -bench ListSeats -benchmem ./internal/polar).
func BenchmarkListSeats(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		body := listBody(b, n)
		client := listServer(b, body)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				l, err := client.ListSeats(context.Background(), benchSub)
				if err != nil || len(l.Seats) != n {
					b.Fatalf("%v: %d seats", err, len(l.Seats))
				}
			}
			b.ReportMetric(float64(len(body))/float64(n), "answer-B/seat")
		})
	}
}

// allocPerSeat is the memory one list of n seats allocates, per seat.
func allocPerSeat(t *testing.T, n int) float64 {
	client := listServer(t, listBody(t, n))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l, err := client.ListSeats(context.Background(), benchSub)
	runtime.ReadMemStats(&after)
	if err != nil || len(l.Seats) != n {
		t.Fatalf("%v: %d seats", err, len(l.Seats))
	}
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
}

// Reading a list costs memory linear in its seats: per seat, a list of
// 4,000 allocates about what one of 500 does. Counted in bytes, not
// time. Not parallel: the allocator's counters are process-wide.
func TestListSeatsMemoryIsLinear(t *testing.T) {
	small, large := allocPerSeat(t, 500), allocPerSeat(t, 4_000)
	t.Logf("bytes allocated per seat: %.0f at 500 seats, %.0f at 4,000", small, large)
	if large > 1.5*small {
		t.Fatalf("a list allocates %.0f bytes per seat at 500 seats and %.0f at 4,000", small, large)
	}
}
