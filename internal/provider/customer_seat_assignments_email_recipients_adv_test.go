package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Adversarial review of email_recipients (commit b72b7df): each test here
// failed on the commit it reviews, and says what goes wrong and what
// should happen instead.

// advMetadataType is the type of one email_recipients value.
var advMetadataType = tftypes.Map{ElementType: tftypes.String}

// advValidate is ValidateResourceConfig of a team configuration.
func advValidate(t *testing.T, p *protoEnv, cfg tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := p.server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: trTeam, Config: p.dynamic(p.resourceType(trTeam), cfg),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// A recipient's metadata with a null value — what HCL sends for
// `email_recipients = { "alice@acme.io" = { cohort = null } }`, for example
// from `{ cohort = lookup(var.cohorts, email, null) }`; Terraform keeps null
// map elements — passes validate and plan, and the apply then fails that
// recipient with the framework's "Value Conversion Error … This is always an
// error in the provider" while the others are assigned: a partial create,
// the resource tainted, and the user told to untaint, for input the
// provider could have refused (or honoured) before anything was sent. The
// next apply fails the same way, forever. (Reproduced through Terraform
// 1.11.4 too: `terraform apply` of that HCL ends with both errors.)
//
// What should happen: either validate (or plan) refuses it, naming
// email_recipients["alice@acme.io"], with no write; or the null is taken
// as "no such key" (for example, to drop a key of the resource's metadata
// for this person) and the apply assigns both seats. Either is accepted
// here; the conversion error after a partial write is not. (The resource's
// own `metadata = { a = null }` has the same root cause, in seatMetadata.)
func TestCustomerSeatAssignments_emailRecipientsAdv_nullMetadataValue(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	p := e.process()
	cfg := p.teamConfig(trSub, map[string]tftypes.Value{
		"email_recipients": tftypes.NewValue(tftypes.Map{ElementType: advMetadataType}, map[string]tftypes.Value{
			"alice@acme.io": tftypes.NewValue(advMetadataType, map[string]tftypes.Value{"cohort": tftypes.NewValue(tftypes.String, nil)}),
			"bob@acme.io":   tftypes.NewValue(advMetadataType, map[string]tftypes.Value{"cohort": tftypes.NewValue(tftypes.String, "2027")}),
		}),
		"metadata": tftypes.NewValue(advMetadataType, map[string]tftypes.Value{"plan": tftypes.NewValue(tftypes.String, "school")}),
	})
	refused := func(diags []*tfprotov6.Diagnostic) bool {
		return diagWith(diags, tfprotov6.DiagnosticSeverityError, "alice@acme.io") && !diagWith(diags, tfprotov6.DiagnosticSeverityError, "Value Conversion Error")
	}
	if diags := advValidate(t, p, cfg); hasError(diags) {
		if !refused(diags) {
			t.Fatalf("validate refused the null without naming the entry: %s", diagText(diags))
		}
		return // refused at validate: fine
	}
	team := &trObj{typeName: trTeam, config: cfg, state: tftypes.NewValue(p.resourceType(trTeam), nil)}
	plans, diags := e.planAll(team)
	if hasError(diags) {
		if !refused(diags) {
			t.Fatalf("the plan refused the null without naming the entry: %s", diagText(diags))
		}
		if posts, deletes := e.writes(); posts+deletes != 0 {
			t.Fatalf("a refused plan wrote to Polar")
		}
		return // refused at plan: fine
	}
	if applied := e.applyAll(plans...); hasError(applied) {
		posts, _ := e.writes()
		t.Fatalf("validate and plan accepted a null metadata value, then the apply failed after %d assignments (state now %v):\n%s",
			posts, trSeatsOf(team.state), diagText(applied))
	}
	seats := trSeatsOf(team.state)
	if len(seats) != 2 || seats["alice@acme.io"] == "" || seats["bob@acme.io"] == "" {
		t.Fatalf("state after apply: %v, want both seats", seats)
	}
	if md := e.trMetadata(seats["alice@acme.io"]); md["cohort"] != nil || md["plan"] != "school" {
		t.Errorf("alice's seat metadata = %v, want the resource's without cohort", md)
	}
}

// While one recipient list is known only at apply (member_ids from another
// resource, say), ValidateConfig returns before every check, also the ones
// that do not depend on that list: one person named in both emails and
// email_recipients, and the merged metadata of an email_recipients entry
// (12 keys with the resource's; Polar allows 10). Both are fully known,
// yet validate and plan pass; the apply's validation then refuses, after
// a plan that promised a clean apply (and after the other resources of
// the apply have run). The duplicate is at least caught by the apply's
// re-validation; nothing is sent for this resource.
//
// What should happen: the checks whose inputs are known run at validate
// (or at plan), naming the entry, as they do when every list is known.
func TestCustomerSeatAssignments_emailRecipientsAdv_knownChecksWhileAListIsUnknown(t *testing.T) {
	t.Parallel()
	e := newTrEnv(t)
	p := e.process()
	unknown := tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue)
	common, own := map[string]tftypes.Value{}, map[string]string{}
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		common[k] = tftypes.NewValue(tftypes.String, "1")
		own["x"+k] = "2"
	}
	for _, tc := range []struct {
		name      string
		set       map[string]tftypes.Value
		fragments []string
	}{
		{"merged metadata over the limit", map[string]tftypes.Value{
			"member_ids":       unknown,
			"metadata":         tftypes.NewValue(advMetadataType, common),
			"email_recipients": trRecipients(map[string]map[string]string{"alice@acme.io": own}),
		}, []string{"alice@acme.io", "12 keys"}},
		{"one person in emails and email_recipients", map[string]tftypes.Value{
			"member_ids":       unknown,
			"emails":           trStrings("alice@acme.io"),
			"email_recipients": trRecipients(map[string]map[string]string{"ALICE@acme.io": {}}),
		}, []string{"Recipient listed twice", "emails and email_recipients"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := p.teamConfig(trSub, tc.set)
			diags := advValidate(t, p, cfg)
			if !hasError(diags) {
				team := &trObj{typeName: trTeam, config: cfg, state: tftypes.NewValue(p.resourceType(trTeam), nil)}
				var plan []*tfprotov6.Diagnostic
				_, plan = e.planAll(team)
				diags = append(diags, plan...)
			}
			if !diagWith(diags, tfprotov6.DiagnosticSeverityError, tc.fragments...) {
				t.Fatalf("validate and plan accept it while member_ids is unknown; want an error with %q, got: %s",
					tc.fragments, strings.TrimSpace(diagText(diags)))
			}
		})
	}
	if posts, deletes := e.writes(); posts+deletes != 0 {
		t.Fatalf("validation wrote to Polar")
	}
}

// The resource page and the schema description send large teams to
// email_recipients with figures — "a 50,000-seat team plans in under a
// minute here and in minutes as `emails`", "under a minute and about
// 1.5 GB as `email_recipients` (BENCHMARKS.md has the numbers)" — and to
// the large teams guide. But BENCHMARKS.md measured a prototype
// (`email_map`, a map(string) on an unmerged branch), not the attribute
// shipped (a map(map(string)) whose values are metadata), and has no row
// for email_recipients; and the large teams guide, which issue 24 asks to
// say "when to use which resource", never mentions email_recipients: it
// still says to use `emails` and to split any team above about 10,000.
//
// What should happen: BENCHMARKS.md has rows for email_recipients as
// shipped (make bench), the docs quote those, and the guide says when to
// use email_recipients rather than emails or splitting.
func TestCustomerSeatAssignments_emailRecipientsAdv_docsBackTheirFigures(t *testing.T) {
	t.Parallel()
	page := readRepo(t, "docs/resources/customer_seat_assignments.md")
	if !strings.Contains(page, "email_recipients") || !strings.Contains(page, "large-teams.md") {
		t.Fatal("the resource page no longer sends large teams to email_recipients and the guide: update this test")
	}
	if bench := readRepo(t, "BENCHMARKS.md"); !strings.Contains(bench, "email_recipients") {
		t.Error("the docs quote plan times and memory for email_recipients from BENCHMARKS.md, which measured only a map(string) prototype (email_map) and has no email_recipients row")
	}
	if guide := readRepo(t, "docs/guides/large-teams.md"); !strings.Contains(guide, "email_recipients") {
		t.Error("the large teams guide, where the resource page sends large teams, never mentions email_recipients (it says to use emails and to split above about 10,000)")
	}
}
