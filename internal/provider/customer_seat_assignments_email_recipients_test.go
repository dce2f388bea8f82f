package provider

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// email_recipients: recipients by email as the keys of a map whose values
// are each seat's own metadata. It is the emails form under another
// attribute, so these tests check what differs: the map's shape in plan and
// state, the merged metadata, and moves between the two attributes.

// trRecipients is an email_recipients value: email -> metadata.
func trRecipients(entries map[string]map[string]string) tftypes.Value {
	inner := tftypes.Map{ElementType: tftypes.String}
	out := map[string]tftypes.Value{}
	for email, md := range entries {
		m := map[string]tftypes.Value{}
		for k, v := range md {
			m[k] = tftypes.NewValue(tftypes.String, v)
		}
		out[email] = tftypes.NewValue(inner, m)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: inner}, out)
}

// trMetadata is the metadata Polar stores on a seat.
func (e *trEnv) trMetadata(id string) map[string]any {
	e.t.Helper()
	return e.seat(trSub, id).SeatMetadata
}

// A team named in email_recipients: each seat gets the resource's metadata
// and its own (its own keys win); state holds the map as configured; the
// next plan is empty; changing one recipient's metadata plans an update
// that sends nothing; removing one revokes only that seat.
func TestCustomerSeatAssignments_emailRecipients_lifecycle(t *testing.T) {
	t.Parallel()
	md := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"plan": tftypes.NewValue(tftypes.String, "school"), "cohort": tftypes.NewValue(tftypes.String, "all"),
	})
	e, p, team := teamUp(t, map[string]tftypes.Value{
		"email_recipients": trRecipients(map[string]map[string]string{
			"alice@acme.io": {"cohort": "2027", "room": "12"},
			"bob@acme.io":   {},
		}),
		"metadata": md,
	})
	seats := trSeatsOf(team.state)
	if len(seats) != 2 || seats["alice@acme.io"] == "" || seats["bob@acme.io"] == "" {
		t.Fatalf("seats after create: %v", seats)
	}
	if got := e.trMetadata(seats["alice@acme.io"]); got["cohort"] != "2027" || got["room"] != "12" || got["plan"] != "school" || len(got) != 3 {
		t.Errorf("alice's seat metadata = %v, want the resource's under her own", got)
	}
	if got := e.trMetadata(seats["bob@acme.io"]); got["cohort"] != "all" || got["plan"] != "school" || len(got) != 2 {
		t.Errorf("bob's seat metadata = %v, want the resource's", got)
	}
	var attrs map[string]tftypes.Value
	_ = team.state.As(&attrs)
	if !attrs["emails"].IsNull() {
		t.Errorf("state emails = %v, want null (the team is named in email_recipients)", attrs["emails"])
	}
	var cfgAttrs map[string]tftypes.Value
	_ = team.config.As(&cfgAttrs)
	if !attrs["email_recipients"].Equal(cfgAttrs["email_recipients"]) {
		t.Errorf("state email_recipients = %v, want the configuration's %v", attrs["email_recipients"], cfgAttrs["email_recipients"])
	}
	plans, diags := e.planAll(team)
	if hasError(diags) || plans[0].action != "noop" {
		t.Fatalf("the plan after create is %s: %s", plans[0].action, diagText(diags))
	}

	// Another cohort for alice: an update that writes nothing.
	posts, deletes := e.writes()
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": {"cohort": "2028"}, "bob@acme.io": {}}),
		"metadata":         md,
	})
	plans, diags = e.planAll(team)
	if hasError(diags) || plans[0].action != "update" {
		t.Fatalf("changing alice's metadata plans %s: %s", plans[0].action, diagText(diags))
	}
	if got := trSeatsOf(plans[0].planned); got["alice@acme.io"] != seats["alice@acme.io"] || got["bob@acme.io"] != seats["bob@acme.io"] {
		t.Fatalf("planned seats %v, want the same seats %v", got, seats)
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}
	if p2, d2 := e.writes(); p2 != posts || d2 != deletes {
		t.Fatalf("a metadata change wrote to Polar: %d assignments, %d revokes", p2-posts, d2-deletes)
	}

	// Bob leaves: his seat is revoked, alice's is not touched.
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": {"cohort": "2028"}}),
		"metadata":         md,
	})
	e.up(team)
	if s := e.seat(trSub, seats["bob@acme.io"]); s.Status.Active() {
		t.Errorf("bob's seat is still active: %+v", s)
	}
	if s := e.seat(trSub, seats["alice@acme.io"]); !s.Status.Active() {
		t.Errorf("alice lost her seat: %+v", s)
	}
	if _, d2 := e.writes(); d2 != deletes+1 {
		t.Errorf("removing bob sent %d revokes, want 1", d2-deletes)
	}
}

// Moving people between emails and email_recipients, or spelling a key
// another way, keeps their seats: no diff for a respelling, and nothing sent.
func TestCustomerSeatAssignments_emailRecipients_movesKeepSeats(t *testing.T) {
	t.Parallel()
	e, p, team := teamUp(t, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "bob@acme.io")})
	seats := trSeatsOf(team.state)
	posts, deletes := e.writes()

	// The whole team from emails to email_recipients.
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": {}, "bob@acme.io": {}}),
	})
	plans, diags := e.planAll(team)
	if hasError(diags) {
		t.Fatalf("plan: %s", diagText(diags))
	}
	if got := trSeatsOf(plans[0].planned); len(got) != 2 || got["alice@acme.io"] != seats["alice@acme.io"] || got["bob@acme.io"] != seats["bob@acme.io"] {
		t.Fatalf("planned seats %v, want the same seats %v", got, seats)
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}

	// A respelled key: the plan keeps the state's spelling, no diff.
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"email_recipients": trRecipients(map[string]map[string]string{"Alice@ACME.io": {}, "bob@acme.io": {}}),
	})
	plans, diags = e.planAll(team)
	if hasError(diags) || plans[0].action != "noop" {
		t.Fatalf("a respelled key plans %s: %s", plans[0].action, diagText(diags))
	}

	// Half back to emails, in another spelling.
	team.config = p.teamConfig(trSub, map[string]tftypes.Value{
		"emails":           trStrings("BOB@acme.io"),
		"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": {}}),
	})
	e.up(team)
	if got := trSeatsOf(team.state); len(got) != 2 || got["alice@acme.io"] != seats["alice@acme.io"] || got["BOB@acme.io"] != seats["bob@acme.io"] {
		t.Fatalf("state seats %v, want the same seats %v", got, seats)
	}
	if p2, d2 := e.writes(); p2 != posts || d2 != deletes {
		t.Fatalf("moves between emails and email_recipients wrote to Polar: %d assignments, %d revokes", p2-posts, d2-deletes)
	}
}

// An exclusive team named in email_recipients shows a seat held by someone
// it does not name in email_recipients (with no metadata), and the plan
// removes it; the seat is revoked, nobody else's.
func TestCustomerSeatAssignments_emailRecipients_exclusiveShowsOthersInTheMap(t *testing.T) {
	t.Parallel()
	set := map[string]tftypes.Value{
		"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": {"cohort": "a"}}),
		"exclusive":        tftypes.NewValue(tftypes.Bool, true),
	}
	e, _, team := teamUp(t, set)
	carol := e.assign(trSub, "carol@acme.io")
	plans, diags := e.planAll(team)
	if hasError(diags) {
		t.Fatalf("plan: %s", diagText(diags))
	}
	var refreshed map[string]tftypes.Value
	_ = team.state.As(&refreshed)
	var byEmail map[string]tftypes.Value
	_ = refreshed["email_recipients"].As(&byEmail)
	if _, ok := byEmail["carol@acme.io"]; !ok || !refreshed["emails"].IsNull() {
		t.Fatalf("refreshed state: email_recipients %v, emails %v; want carol in email_recipients", refreshed["email_recipients"], refreshed["emails"])
	}
	if _, held := trSeatsOf(plans[0].planned)["carol@acme.io"]; held || plans[0].action != "update" {
		t.Fatalf("the plan keeps carol (%s): %v", plans[0].action, trSeatsOf(plans[0].planned))
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}
	if s := e.seat(trSub, carol.ID); s.Status.Active() {
		t.Fatalf("carol's seat is still active: %+v", s)
	}
	if got := trSeatsOf(team.state); len(got) != 1 || got["alice@acme.io"] == "" {
		t.Fatalf("state after apply: %v", got)
	}
}

// Bad email_recipients are refused at validate, naming the entry: an
// address Polar refuses, one person in both attributes or twice in the map
// (two spellings), and metadata over Polar's limits once the resource's is
// merged in. Each also while another recipient list is known only at apply
// (member_ids from another resource): the checks of what is known do not
// wait for it (before, they were skipped and the apply refused).
func TestCustomerSeatAssignments_emailRecipients_validate(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	p := e.process()
	many := map[string]tftypes.Value{}
	own := map[string]string{}
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		many[k] = tftypes.NewValue(tftypes.String, "1")
		own["x"+k] = "2"
	}
	for _, tc := range []struct {
		name      string
		set       map[string]tftypes.Value
		fragments []string
	}{
		{"invalid address", map[string]tftypes.Value{
			"email_recipients": trRecipients(map[string]map[string]string{"not-an-email": {}}),
		}, []string{`email_recipients["not-an-email"]`, "not an email address"}},
		{"in both attributes", map[string]tftypes.Value{
			"emails":           trStrings("alice@acme.io"),
			"email_recipients": trRecipients(map[string]map[string]string{"ALICE@acme.io": {}}),
		}, []string{"Recipient listed twice", "emails and email_recipients"}},
		{"two spellings in the map", map[string]tftypes.Value{
			"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": {}, "Alice@Acme.io": {}}),
		}, []string{"Recipient listed twice", "same recipient"}},
		{"merged metadata over the limit", map[string]tftypes.Value{
			"metadata":         tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, many),
			"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": own}),
		}, []string{`email_recipients["alice@acme.io"]`, "12 keys", "together"}},
	} {
		for _, memberIDs := range []string{"unset", "unknown"} {
			t.Run(tc.name+", member_ids "+memberIDs, func(t *testing.T) {
				set := maps.Clone(tc.set)
				if memberIDs == "unknown" {
					set["member_ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue)
				}
				if diags := validateTeam(t, p, p.teamConfig(trSub, set)); !diagWith(diags, tfprotov6.DiagnosticSeverityError, tc.fragments...) {
					t.Fatalf("want an error with %q, got: %s", tc.fragments, diagText(diags))
				}
			})
		}
	}
	if posts, deletes := e.writes(); posts+deletes != 0 {
		t.Fatalf("validation wrote to Polar")
	}
}

// validateTeam is ValidateResourceConfig of a team configuration.
func validateTeam(t *testing.T, p *protoEnv, cfg tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := p.server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: trTeam, Config: p.dynamic(p.resourceType(trTeam), cfg),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// Through Terraform's CLI: a team named in email_recipients gets each
// seat's own metadata, and a respelled key plans nothing (Terraform accepts
// the prior value for the configured one). Moves between emails and
// email_recipients: TestCustomerSeatAssignments_emailRecipients_movesKeepSeats
// and the model test (ToggleEmailMap, whose plans are checked against
// Terraform's rules).
func TestAccCustomerSeatAssignments_emailRecipients(t *testing.T) {
	e := newAccEnv(t)
	alice, bob := e.email("alice"), e.email("bob")
	team := func(emails, recipients string) string {
		return e.config(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id  = %q
  emails           = %s
  email_recipients = %s
  metadata         = { plan = "school" }
}`, e.subscriptionID, emails, recipients)
	}
	var first map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: team("null", fmt.Sprintf(`{ %q = { cohort = "2027" }, %q = {} }`, alice, bob)),
			Check: func(s *terraform.State) error {
				first = teamSeatIDs(s)
				a, _ := e.list(e.sub()).Find(first[alice])
				b, _ := e.list(e.sub()).Find(first[bob])
				if a.SeatMetadata["cohort"] != "2027" || a.SeatMetadata["plan"] != "school" || b.SeatMetadata["plan"] != "school" || b.SeatMetadata["cohort"] != nil {
					return fmt.Errorf("seat metadata: alice %v, bob %v", a.SeatMetadata, b.SeatMetadata)
				}
				return nil
			},
		}, {
			PlanOnly: true, // no diff for a respelled key
			Config:   team("null", fmt.Sprintf(`{ %q = { cohort = "2027" }, %q = {} }`, strings.ToUpper(alice), bob)),
		}},
	})
}

// A null value in metadata is a key not set, in either resource and in an
// email_recipients entry (`{ cohort = lookup(var.cohorts, email, null) }`):
// the seat is assigned without it, an entry's null leaves the resource's
// value, and the next plan is empty. (Before, the apply failed with a Value
// Conversion Error after the plan passed, and after assigning the others.)
func TestMetadata_nullValueIsAKeyNotSet(t *testing.T) {
	t.Parallel()
	null := tftypes.NewValue(tftypes.String, nil)
	md := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"cohort": null, "plan": tftypes.NewValue(tftypes.String, "school"),
	})
	e := newTrEnv(t)
	p := e.process()
	seat := &trObj{typeName: trSeat, config: p.value(p.resourceType(trSeat), map[string]tftypes.Value{
		trSub.QueryParam(): tftypes.NewValue(tftypes.String, trSub.ID),
		"email":            tftypes.NewValue(tftypes.String, "alice@acme.io"),
		"metadata":         md,
	}), state: tftypes.NewValue(p.resourceType(trSeat), nil)}
	entry := tftypes.Map{ElementType: tftypes.String}
	team := &trObj{typeName: trTeam, config: p.teamConfig(trSub, map[string]tftypes.Value{
		"emails": trStrings("bob@acme.io"), "metadata": md,
		"email_recipients": tftypes.NewValue(tftypes.Map{ElementType: entry}, map[string]tftypes.Value{
			"carol@acme.io": tftypes.NewValue(entry, map[string]tftypes.Value{"plan": null, "room": tftypes.NewValue(tftypes.String, "7")}),
		}),
	}), state: tftypes.NewValue(p.resourceType(trTeam), nil)}
	e.up(seat, team)
	for id, want := range map[string]map[string]any{
		stringAttr(seat.state, "id"):           {"plan": "school"},
		trSeatsOf(team.state)["bob@acme.io"]:   {"plan": "school"},
		trSeatsOf(team.state)["carol@acme.io"]: {"plan": "school", "room": "7"},
	} {
		if got := e.trMetadata(id); !maps.Equal(got, want) {
			t.Errorf("seat %s metadata = %v, want %v", id, got, want)
		}
	}
	plans, diags := e.planAll(seat, team)
	if hasError(diags) || plans[0].action != "noop" || plans[1].action != "noop" {
		t.Fatalf("the next plans: %s, %s: %s", plans[0].action, plans[1].action, diagText(diags))
	}
}

// The docs quote email_recipients' figures from BENCHMARKS.md and send
// large teams to the guide; both must have it (the first figures came from
// an unmerged prototype, and the guide did not mention the attribute).
func TestCustomerSeatAssignments_emailRecipients_docsBackTheirFigures(t *testing.T) {
	t.Parallel()
	page := readRepo(t, "docs/resources/customer_seat_assignments.md")
	if !strings.Contains(page, "email_recipients") || !strings.Contains(page, "large-teams.md") {
		t.Fatal("the resource page no longer sends large teams to email_recipients and the guide: update this test")
	}
	for _, doc := range []string{"BENCHMARKS.md", "docs/guides/large-teams.md"} {
		if !strings.Contains(readRepo(t, doc), "`email_recipients`") {
			t.Errorf("%s does not measure or mention email_recipients, which the resource page quotes and points to", doc)
		}
	}
}
