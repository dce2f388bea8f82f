package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

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

// A refresh finds each seat in state in the container's list, also behind
// many revoked rows of earlier holders (Polar keeps them in the list).
func TestCustomerSeatAssignments_scale_refreshFindsEverySeatBehindRevokedRows(t *testing.T) {
	t.Parallel()
	const team, revoked = 800, 10_000
	m, list := largeTeam(team, revoked)
	held, drifted, landed := refreshHeld(m, list, unansweredRevokes{})
	if len(held) != team || len(drifted)+len(landed) != 0 {
		t.Fatalf("refresh of %d seats kept %d, drifted %d, landed %d", team, len(held), len(drifted), len(landed))
	}
}

// BenchmarkRefreshHeld is a refresh of a team behind 100,000 revoked rows:
// time linear in the team and the list (an index of the list), not a scan
// of the list per seat (quadratic: a 50,000-seat team made 1.25 billion
// comparisons per plan). Compare the two sizes:
//
//	go test -run '^$' -bench RefreshHeld ./internal/provider
func BenchmarkRefreshHeld(b *testing.B) {
	for _, team := range []int{50, 800} {
		b.Run(fmt.Sprintf("team=%d", team), func(b *testing.B) {
			m, list := largeTeam(team, 100_000)
			for b.Loop() {
				if held, _, _ := refreshHeld(m, list, unansweredRevokes{}); len(held) != team {
					b.Fatalf("kept %d of %d", len(held), team)
				}
			}
		})
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

// emailRecipientsTeam is an assignments model naming n people in
// email_recipients, each with metadata of their own.
func emailRecipientsTeam(n int) *customerSeatAssignmentsModel {
	own := types.MapValueMust(types.StringType, map[string]attr.Value{"cohort": types.StringValue("2027")})
	entries := make(map[string]attr.Value, n)
	for i := range n {
		entries[fmt.Sprintf("member%d@acme.io", i)] = own
	}
	return &customerSeatAssignmentsModel{
		SubscriptionID:  types.StringValue("0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"),
		Metadata:        types.MapValueMust(types.StringType, map[string]attr.Value{"plan": types.StringValue("school")}),
		EmailRecipients: types.MapValueMust(emailRecipientsElem, entries),
	}
}

// Building one recipient's assign request costs the same whatever the size
// of the team: it allocated a copy of the whole email_recipients map per
// recipient (the framework's Elements copies), which made an apply of
// 50,000 spend minutes copying. (Not parallel: AllocsPerRun counts every
// allocation of the process.)
func TestCustomerSeatAssignments_scale_assignRequestIndependentOfTeamSize(t *testing.T) {
	allocs := map[int]float64{}
	for _, n := range []int{10, 10_000} {
		assignment := emailRecipientsTeam(n).assignments()
		rc := recipient{form: emailMapForm, value: "member7@acme.io"}
		if a := assignment(rc); a.Metadata["cohort"] != "2027" || a.Metadata["plan"] != "school" || derefStr(a.Email) != rc.value {
			t.Fatalf("assign request %+v", a)
		}
		allocs[n] = testing.AllocsPerRun(20, func() { assignment(rc) })
	}
	// The copy was some 30 allocations more at 10,000 (11 against 41);
	// a margin of 5 absorbs a stray allocation of another goroutine.
	if allocs[10_000] > allocs[10]+5 {
		t.Fatalf("allocations per assign request: %v for a team of 10, %v for 10,000: it grows with the team", allocs[10], allocs[10_000])
	}
}
