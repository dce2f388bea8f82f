package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
)

// An assignment costs the same in a container of 8,000 seats as in one of
// 500: measured in bytes allocated, which, unlike time, does not depend on
// the machine. (Before the indexes, each assignment copied and sorted the
// container and scanned every customer and member: 16 times the seats cost
// about 16 times the bytes.) BenchmarkEmulator_scale_largeContainer shows the time.
func TestEmulator_scale_assignCostDoesNotGrowWithTheContainer(t *testing.T) {
	perAssign := func(n int) uint64 {
		srv := largeContainer(t, n)
		const assigns = 100
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range assigns {
			benchCall(t, srv, http.MethodPost, "/v1/customer-seats", map[string]any{"subscription_id": DemoSubscriptionID, "email": fmt.Sprintf("new%d@acme.io", i)})
			benchCall(t, srv, http.MethodDelete, "/v1/customer-seats/"+largeSeatID(i), nil)
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / assigns
	}
	small, large := perAssign(500), perAssign(8_000)
	t.Logf("bytes allocated per assign and revoke: %d at 500 seats, %d at 8,000", small, large)
	if large > 2*small {
		t.Fatalf("an assign and a revoke allocate %d bytes at 8,000 seats, %d at 500: the cost grows with the container", large, small)
	}
}

// BenchmarkEmulator_scale_largeContainer measures the calls a large team's apply makes on
// a subscription that already holds n claimed seats (each with its own
// customer and member, as n legacy assignments leave them). Assign and
// revoke should cost the same at every n; a list, the same per seat.
//
//	go test -run '^$' -bench LargeContainer -benchtime 2000x ./internal/emulator/
func BenchmarkEmulator_scale_largeContainer(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 50_000} {
		b.Run(fmt.Sprintf("seats=%d/assign", n), func(b *testing.B) {
			srv := largeContainer(b, n)
			b.ResetTimer()
			for i := range b.N {
				benchCall(b, srv, http.MethodPost, "/v1/customer-seats", map[string]any{"subscription_id": DemoSubscriptionID, "email": fmt.Sprintf("new%d@acme.io", i)})
			}
		})
		b.Run(fmt.Sprintf("seats=%d/revoke+assign", n), func(b *testing.B) {
			srv := largeContainer(b, n)
			b.ResetTimer()
			for i := range b.N {
				// The revoked row is the one the assignment reuses.
				benchCall(b, srv, http.MethodDelete, "/v1/customer-seats/"+largeSeatID(i%n), nil)
				benchCall(b, srv, http.MethodPost, "/v1/customer-seats", map[string]any{"subscription_id": DemoSubscriptionID, "email": fmt.Sprintf("new%d@acme.io", i)})
			}
		})
		b.Run(fmt.Sprintf("seats=%d/list", n), func(b *testing.B) {
			srv := largeContainer(b, n)
			b.ResetTimer()
			for range b.N {
				benchCall(b, srv, http.MethodGet, "/v1/customer-seats?subscription_id="+DemoSubscriptionID, nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/seat")
		})
	}
}

func largeSeatID(i int) string { return fmt.Sprintf("5eed0000-0000-4000-8000-%012d", i) }

// largeContainer is the demo fixture with n claimed seats in its
// subscription and room for a million more.
func largeContainer(b testing.TB, n int) *Server {
	b.Helper()
	f := DemoFixture()
	o := &f.Organizations[0]
	room := n + 1_000_000
	o.Subscriptions[0].Seats = &room
	sub := DemoSubscriptionID
	for i := range n {
		customer := fmt.Sprintf("c0570000-0000-4000-8000-%012d", i)
		member := fmt.Sprintf("3e3b0000-0000-4000-8000-%012d", i)
		email := fmt.Sprintf("person%d@acme.io", i)
		o.Customers = append(o.Customers, FixtureCustomer{ID: customer, Email: email})
		o.Members = append(o.Members, FixtureMember{ID: member, CustomerID: DemoCustomerID, Email: email, Role: "member"})
		o.Seats = append(o.Seats, FixtureSeat{ID: largeSeatID(i), SubscriptionID: &sub, Status: "claimed",
			Email: some(email), CustomerID: some(customer), MemberID: some(member)})
	}
	srv, err := New(f)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func benchCall(b testing.TB, srv *Server, method, path string, body any) {
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req := httptest.NewRequest(method, path, &buf)
	req.Header.Set("Authorization", "Bearer "+DemoToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
}
