package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// largeTeam is an assignments model whose n emails hold n claimed seats,
// and the container's list: those seats after revoked rows of earlier
// holders (Polar keeps a revoked row in the list), which a lookup that
// scans the list walks past for every seat.
func largeTeam(n, revoked int) (*customerSeatAssignmentsModel, *polar.SeatsList) {
	m := &customerSeatAssignmentsModel{}
	held := make([]heldSeat, n)
	list := &polar.SeatsList{TotalSeats: n + revoked}
	for i := range revoked {
		list.Seats = append(list.Seats, polar.CustomerSeat{ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", n+i, n+i), Status: polar.SeatStatusRevoked})
	}
	for i := range held {
		email, id := fmt.Sprintf("member%d@acme.io", i), fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		held[i] = heldSeat{recipient: recipient{form: emailForm, value: email}, id: id, status: string(polar.SeatStatusClaimed)}
		list.Seats = append(list.Seats, polar.CustomerSeat{ID: id, Status: polar.SeatStatusClaimed, Email: &email})
	}
	m.setHeld(held, formFlags{false, true, true})
	return m, list
}

// fastest is the shortest of three runs of f: the run least disturbed by
// the rest of the machine.
func fastest(f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// A refresh finds each seat in state in the container's list by its id, in
// time linear in the team and the list, not by a scan of the list per seat
// (quadratic: a 50,000-seat team made 1.25 billion comparisons per plan).
// Two teams, 16 times apart, are refreshed against lists with the same
// 100,000 revoked rows before their seats: indexing the list costs both
// about the same, scanning it for every seat costs the larger 16 times as
// much.
func TestCustomerSeatAssignments_scale_refreshIsLinear(t *testing.T) {
	const small, large, revoked = 50, 800, 100_000
	refresh := func(team int) time.Duration {
		m, list := largeTeam(team, revoked)
		return fastest(func() {
			held, drifted, landed := refreshHeld(m, list, unansweredRevokes{})
			if len(held) != team || len(drifted)+len(landed) != 0 {
				t.Fatalf("refresh of %d seats kept %d, drifted %d, landed %d", team, len(held), len(drifted), len(landed))
			}
		})
	}
	s, l := refresh(small), refresh(large)
	ratio := float64(l) / float64(s)
	t.Logf("after %d revoked rows, %d seats: %v; %d seats: %v (%.1f×)", revoked, small, s, large, l, ratio)
	if ratio > 6 {
		t.Fatalf("after %d revoked rows, refreshing %d seats took %v and %d seats %v (%.0f×): the refresh scans the list for each seat", revoked, small, s, large, l, ratio)
	}
}

// A team split across several non-exclusive assignments resources on one
// subscription, each naming different people (the large-teams guide's
// smaller blast radius): the plan accepts it, the apply assigns each
// person once, and a plan afterwards is empty and still lists the
// subscription once, whatever the number of resources. Driven by the CLI
// so that exactly one plan is counted.
func TestAccCustomerSeatAssignments_scale_splitTeamSharesOneList(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	const parts, perPart = 3, 4
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, parts*perPart))
	var cfg string
	for p := range parts {
		var emails []string
		for i := range perPart {
			emails = append(emails, fmt.Sprintf("%q", e.email(fmt.Sprintf("p%d-%d", p, i))))
		}
		cfg += fmt.Sprintf("resource \"polar_customer_seat_assignments\" \"part%d\" {\n  subscription_id = %q\n  emails = [%s]\n}\n", p, e.subscriptionID, strings.Join(emails, ", "))
	}
	_, tf := e.cliWorkspace(cfg)
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply of a team split in %d parts: %v\n%s", parts, err, out)
	}
	if _, by := e.requests(); by["POST /v1/customer-seats"] != parts*perPart {
		t.Fatalf("apply: %v, want %d assignments", by, parts*perPart)
	}
	if n := len(e.activeSeats(e.sub())); n != parts*perPart {
		t.Fatalf("%d active seats, want %d", n, parts*perPart)
	}
	e.resetRequests()
	if out, err := tf("plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after apply not empty: %v\n%s", err, out)
	}
	if total, by := e.requests(); total != 1 || by["GET /v1/customer-seats"] != 1 {
		t.Fatalf("a plan of %d resources on one subscription cost %d calls: %v", parts, total, by)
	}
}
