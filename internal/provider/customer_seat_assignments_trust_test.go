package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// A wrong token at refresh fails the plan and keeps every seat in state;
// with the right token again the plan is empty.
func TestAccCustomerSeatAssignments_trust_wrongTokenKeepsState(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	body := fmt.Sprintf(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%q]
}`, e.subscriptionID, e.email("kept"))
	wrong := fmt.Sprintf("provider \"polar\" {\n  server_url   = %q\n  access_token = \"polar_oat_not_a_real_token\"\n}\n", e.url) + body
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: e.config("%s", body),
		}, {
			Config:      wrong,
			ExpectError: regexp.MustCompile(`Polar rejected the access token`),
		}, {
			// The right token again: an empty plan (PlanOnly fails on any
			// change) whose resource still holds the one seat.
			Config:   e.config("%s", body),
			PlanOnly: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(teamAddr, tfjsonpath.New("seats"), knownvalue.MapSizeExact(1)),
			}},
		}},
	})
}

// The sequence: seven recipients on a five-seat subscription. The
// apply fails part-way and Terraform taints the resource; the next plan must
// not replace it (which would revoke the five seats that were assigned),
// and after `terraform untaint` and more seats, apply assigns only the two
// missing recipients.
func TestAccCustomerSeatAssignments_trust_partialCreateNeverRevokes(t *testing.T) {
	t.Parallel()
	srv, url := testsupport.Emulator(t, accFixture())
	tf := terraformCLI(t, "POLAR_SERVER_URL="+url, "POLAR_ACCESS_TOKEN="+emulator.DemoToken)
	dir := t.TempDir()
	var emails []string
	for i := range 7 {
		emails = append(emails, fmt.Sprintf("%q", fmt.Sprintf("p%d@acme.io", i)))
	}
	cfg := fmt.Sprintf(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%s]
}
`, emulator.DemoSubscriptionID, strings.Join(emails, ", "))
	writeConfig(t, dir, cfg)
	sub := polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID}
	client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	active := func() map[string]string {
		t.Helper()
		list, err := client.ListSeats(context.Background(), sub)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, s := range list.Seats {
			if s.Status.Active() {
				out[s.ID] = derefStr(s.Email)
			}
		}
		srv.ResetRequests() // the test's own list is not the provider's
		return out
	}

	out, err := tf(dir, "apply", "-auto-approve")
	if err == nil || !strings.Contains(out, "Only some seats were assigned") || !strings.Contains(out, "terraform untaint") {
		t.Fatalf("apply of 7 on 5 seats: err %v\n%s", err, out)
	}
	first := active()
	if len(first) != 5 {
		t.Fatalf("after the failed apply %d seats are active, want 5: %v", len(first), first)
	}
	if out, _ := tf(dir, "state", "show", "polar_customer_seat_assignments.team"); !strings.Contains(out, "tainted") {
		t.Fatalf("resource not tainted:\n%s", out)
	}

	// The next plan refuses the replacement, naming untaint.
	srv.ResetRequests()
	out, err = tf(dir, "plan")
	if err == nil || !strings.Contains(out, "Recipients already hold seats of this subscription") || !regexp.MustCompile(`terraform\s+untaint`).MatchString(out) {
		t.Fatalf("plan of the tainted resource: err %v\n%s", err, out)
	}
	// So does apply: nothing is revoked.
	out, err = tf(dir, "apply", "-auto-approve")
	if err == nil || strings.Contains(out, "Destroying") {
		t.Fatalf("apply of the tainted resource: err %v\n%s", err, out)
	}
	if _, by := srv.Requests(); by["DELETE /v1/customer-seats/{seat_id}"] != 0 || by["POST /v1/customer-seats"] != 0 {
		t.Fatalf("plan/apply of the tainted resource wrote to Polar: %v", by)
	}
	if got := active(); len(got) != 5 {
		t.Fatalf("seats changed: %v", got)
	}

	// untaint, more seats: only the two missing are assigned.
	if out, err := tf(dir, "untaint", "polar_customer_seat_assignments.team"); err != nil {
		t.Fatalf("untaint: %v\n%s", err, out)
	}
	if err := srv.SetSeats("subscription", sub.ID, 7); err != nil {
		t.Fatal(err)
	}
	out, err = tf(dir, "plan")
	if err != nil || !strings.Contains(out, "1 to change, 0 to destroy") || strings.Contains(out, "must be replaced") {
		t.Fatalf("plan after untaint: %v\n%s", err, out)
	}
	srv.ResetRequests()
	if out, err := tf(dir, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply after untaint: %v\n%s", err, out)
	}
	if _, by := srv.Requests(); by["POST /v1/customer-seats"] != 2 || by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatalf("apply after untaint made %v, want exactly 2 assignments", by)
	}
	final := active()
	if len(final) != 7 {
		t.Fatalf("%d active seats, want 7", len(final))
	}
	for id := range first {
		if _, ok := final[id]; !ok {
			t.Fatalf("seat %s of the first apply is gone", id)
		}
	}
	srv.ResetRequests()
	if out, err := tf(dir, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after the second apply is not empty: %v\n%s", err, out)
	}
	if total, by := srv.Requests(); total != 1 || by["GET /v1/customer-seats"] != 1 {
		t.Fatalf("a plan over 7 seats cost %v, want one list call", by)
	}
}

// A recipient removed from the configuration whose seat was revoked and
// given to someone else outside Terraform, with no refresh to notice
// (apply -refresh=false): the revoke's own check sees the newcomer and
// leaves their seat alone.
func TestAccCustomerSeatAssignments_trust_removalNeverRevokesTheNextPerson(t *testing.T) {
	t.Parallel()
	srv, url := testsupport.Emulator(t, accFixture())
	tf := terraformCLI(t, "POLAR_SERVER_URL="+url, "POLAR_ACCESS_TOKEN="+emulator.DemoToken)
	client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(emails string) {
		cfg := fmt.Sprintf("resource \"polar_customer_seat_assignments\" \"team\" {\n  subscription_id = %q\n  emails = [%s]\n}\n", emulator.DemoSubscriptionID, emails)
		writeConfig(t, dir, cfg)
	}
	write(`"ann@acme.io", "bob@acme.io"`)
	if out, err := tf(dir, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	list, err := client.ListSeats(context.Background(), polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	var bobSeat string
	for _, s := range list.Seats {
		if derefStr(s.Email) == "bob@acme.io" {
			bobSeat = s.ID
		}
	}
	// Outside Terraform: bob's seat revoked, and the row given to cara.
	if _, err := client.RevokeSeat(context.Background(), bobSeat); err != nil {
		t.Fatal(err)
	}
	cara := "cara@acme.io"
	sub := emulator.DemoSubscriptionID
	caraSeat, err := client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &sub, Email: &cara})
	if err != nil || caraSeat.ID != bobSeat {
		t.Fatalf("the emulator did not reuse bob's row for cara (%v): %+v", err, caraSeat)
	}
	write(`"ann@acme.io"`)
	srv.ResetRequests()
	if out, err := tf(dir, "apply", "-auto-approve", "-refresh=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if _, by := srv.Requests(); by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatalf("the apply revoked a seat: %v", by)
	}
	list, _ = client.ListSeats(context.Background(), polar.Container{Kind: polar.ContainerSubscription, ID: sub})
	if s, _ := list.Find(bobSeat); !s.Status.Active() || derefStr(s.Email) != cara {
		t.Fatalf("cara's seat was touched: %+v", s)
	}
}

// The reproduction through the CLI (issue 19, defect 4):
// request_timeout = "1s", a DELETE Polar carries out 2.5 s after it
// arrives, [alice, bob] → [bob, dave] on a full subscription. Before, the
// provider listed, saw alice's seat still active, revoked it again, dave got
// the freed row, and the first DELETE then landed on dave: the apply
// "succeeded" and the next plan assigned dave again. Now one DELETE is
// sent, the provider looks until it lands, and dave keeps his seat.
func TestAccCustomerSeatAssignments_trust_lateRevokeNeverHitsTheNextPerson(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 2))
	var sent, landed atomic.Int32
	landing := make(chan struct{}, 8)
	emu := e.emulator()
	e.onRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodDelete {
			return false
		}
		sent.Add(1)
		emu.ServeHTTP(w, r) // the delay fault holds it, then Polar carries it out
		landed.Add(1)
		landing <- struct{}{}
		return true
	})
	team := func(emails string) string {
		return fmt.Sprintf("provider \"polar\" {\n  request_timeout = \"1s\"\n}\nresource \"polar_customer_seat_assignments\" \"team\" {\n  subscription_id = %q\n  emails = [%s]\n}\n", e.subscriptionID, emails)
	}
	dir, tf := e.cliWorkspace(team(`"alice@acme.io", "bob@acme.io"`))
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	e.fault(http.MethodDelete, "/v1/customer-seats/*", "delay", 0, 1, 2500)
	writeConfig(t, dir, team(`"bob@acme.io", "dave@acme.io"`))
	out, err := tf("apply", "-auto-approve")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	// Every DELETE sent has landed before anything is judged.
	for landed.Load() < sent.Load() {
		await(t, landing, "the DELETEs sent to land")
	}
	if n := sent.Load(); n != 1 {
		t.Fatalf("%d DELETEs sent, want 1: a revoke that could still land was sent again\n%s", n, out)
	}
	if err := e.seatHeldBy("dave@acme.io"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := tf("plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after the apply is not empty: %v\n%s", err, out)
	}
}

// Two provider configurations are two provider processes (issue 20, item
// 2): an exclusive assignments resource through polar and a seat of the
// same subscription through polar.second are refused at plan, with no
// write, because the processes of one run share their claims (a directory
// per Terraform run under TMPDIR, here the test's own). The test also
// checks that the two processes found one run directory and each wrote its
// own file.
func TestAccCustomerSeatAssignments_trust_twoProviderConfigurationsRefused(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	tmp := t.TempDir()
	run := terraformBinaryCLI(t, "TMPDIR="+tmp, "POLAR_SERVER_URL="+e.url, "POLAR_ACCESS_TOKEN="+e.token)
	dir := t.TempDir()
	writeConfig(t, dir, fmt.Sprintf(`
provider "polar" {}
provider "polar" {
  alias = "second"
}
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = ["alice@acme.io"]
  exclusive       = true
}
resource "polar_customer_seat" "extra" {
  provider        = polar.second
  subscription_id = %q
  email           = "bob@acme.io"
}
`, e.subscriptionID, e.subscriptionID))
	out, err := run(dir, "plan")

	// What the two provider processes of the run wrote.
	runs, _ := os.ReadDir(filepath.Join(tmp, siblingsBaseName()))
	var files []os.DirEntry
	records := 0
	if len(runs) == 1 {
		runDir := filepath.Join(tmp, siblingsBaseName(), runs[0].Name())
		files, _ = os.ReadDir(runDir)
		for _, f := range files {
			b, _ := os.ReadFile(filepath.Join(runDir, f.Name()))
			records += strings.Count(string(b), "\n")
		}
	}
	if len(runs) != 1 || len(files) != 2 {
		t.Fatalf("want one run directory with one file per provider process; runs %v, files %v\n%s", runs, files, out)
	}
	if err == nil || !wrapped("Two resources manage the seats of one subscription").MatchString(out) {
		t.Fatalf("plan not refused: %v\n%s", err, out)
	}
	if _, by := e.requests(); by["POST /v1/customer-seats"]+by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatalf("the refused plan wrote: %v", by)
	}
}
