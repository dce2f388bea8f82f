package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// exactlyOneSeatFor checks Polar holds exactly one active seat for email,
// and that it is the one in state at polar_customer_seat.test.
func (e *accEnv) exactlyOneSeatFor(email string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, _ := stateAttr(s, seatAddr, "id")
		return e.exactlyOneSeatIs(email, id)
	}
}

// exactlyOneSeatIs checks Polar holds exactly one active seat for email in
// the test subscription, the seat id.
func (e *accEnv) exactlyOneSeatIs(email, id string) error {
	var found []polar.CustomerSeat
	for _, seat := range e.activeSeats(e.sub()) {
		if strings.EqualFold(derefStr(seat.Email), email) {
			found = append(found, seat)
		}
	}
	if len(found) != 1 || found[0].ID != id {
		return fmt.Errorf("want exactly one active seat for %s, the one in state (%s); Polar has %+v", email, id, found)
	}
	return nil
}

// An assignment whose outcome is unknown is checked, adopted or retried:
// apply succeeds, exactly one seat, plan empty afterwards. Each fault has
// its own emulator, reached through its own provider configuration, so
// that one apply tries them all. (Driven by the CLI: Terraform starts a
// provider process per configuration there, while plugin-testing's
// in-process provider would serve every alias with the last one's client.)
func TestAccCustomerSeat_faults_exactlyOnceAssignment(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		kind      string
		status    int
		times     int
		delayMS   int
		provider  string
		postCalls int // POST attempts the provider should need
	}{
		{name: "lost_after_commit", kind: "drop_after_commit", times: 1, postCalls: 1},
		{name: "status_502_before_any_side_effect", kind: "status", status: 502, times: 1, postCalls: 2},
		{name: "status_503_twice", kind: "status", status: 503, times: 2, postCalls: 3},
		{name: "slow_answer_past_the_request_timeout", kind: "delay", delayMS: 2500, times: 1, provider: `request_timeout = "1s"`},
	}
	const email = "once@acme.io"
	var cfg strings.Builder
	envs := make([]*accEnv, len(cases))
	for i, c := range cases {
		e := newAccEnv(t)
		e.emulatorOnly()
		e.fault(http.MethodPost, "/v1/customer-seats", c.kind, c.status, c.times, c.delayMS)
		envs[i] = e
		fmt.Fprintf(&cfg, "provider \"polar\" {\n  alias = %q\n  server_url = %q\n  access_token = %q\n  %s\n}\n", c.name, e.url, e.token, c.provider)
		fmt.Fprintf(&cfg, "resource \"polar_customer_seat\" %q {\n  provider = polar.%s\n  subscription_id = %q\n  email = %q\n}\n", c.name, c.name, e.subscriptionID, email)
	}
	dir, tf := envs[0].cliWorkspace(cfg.String())
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	ids := cliStateIDs(t, dir)
	for i, c := range cases {
		e := envs[i]
		if err := e.exactlyOneSeatIs(email, ids["polar_customer_seat."+c.name]); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if _, by := e.requests(); c.postCalls != 0 && by["POST /v1/customer-seats"] != c.postCalls {
			t.Errorf("%s: POST attempts %d, want %d", c.name, by["POST /v1/customer-seats"], c.postCalls)
		}
	}
	if out, err := tf("plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after apply not empty: %v\n%s", err, out)
	}
	if out, err := tf("destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	for i, c := range cases {
		if err := envs[i].checkNoActiveSeats(envs[i].sub())(nil); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// A revoke whose response is lost is not repeated blindly: the seat is
// looked at again, found revoked, and destroy succeeds; revoked once.
func TestAccCustomerSeat_faults_revokeResponseLost(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	var seatID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			s, ok := e.list(e.sub()).Find(seatID)
			if !ok || s.Status != polar.SeatStatusRevoked {
				return fmt.Errorf("seat %s not revoked: %+v", seatID, s)
			}
			_, webhooks := e.emulator().Outbox()
			revokes := 0
			for _, w := range webhooks {
				if w.SeatID == seatID && w.Type == "customer_seat.revoked" {
					revokes++
				}
			}
			if _, by := e.requests(); revokes != 1 || by["DELETE /v1/customer-seats/{seat_id}"] != 1 {
				return fmt.Errorf("revoked %d times in %d DELETE calls, want once in 1", revokes, by["DELETE /v1/customer-seats/{seat_id}"])
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: e.emailSeat("revoke@acme.io"),
			Check: resource.ComposeTestCheckFunc(captureAttr(seatAddr, "id", &seatID), func(*terraform.State) error {
				e.fault(http.MethodDelete, "/v1/customer-seats/*", "drop_after_commit", 0, 1, 0)
				e.resetRequests()
				return nil
			}),
		}},
	})
}

// A seat assigned in an apply that fails elsewhere is kept in state.
func TestAccCustomerSeat_faults_seatKeptWhenApplyFails(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	cfg := e.config(`
resource "polar_customer_seat" "ok" {
  subscription_id = %q
  email           = "kept@acme.io"
}
resource "polar_customer_seat" "fails" {
  subscription_id = %q
  email           = "nowhere@acme.io"
}`, e.subscriptionID, accFullSubID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: wrapped("has no available seat"),
		}, {
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: resource.ComposeTestCheckFunc(countSeatsInState(1), func(s *terraform.State) error {
				id, err := stateAttr(s, "polar_customer_seat.ok", "id")
				if err != nil {
					return err
				}
				if seat, ok := e.list(e.sub()).Find(id); !ok || !seat.Status.Active() {
					return fmt.Errorf("seat %s in state is not live", id)
				}
				return nil
			}),
		}},
	})
}

// Parallel applies: 20 seats on a 10-seat subscription with -parallelism=20.
func TestAccCustomerSeat_faults_parallelApplyOverCapacity(t *testing.T) {
	parallelCreates(t, 20, 10, 20)
}

// Destroy after the seat was revoked out of band and the subscription lost
// capacity, or reused for someone else: no API write at all.
func TestAccCustomerSeat_faults_destroyTouchesNobodyElse(t *testing.T) {
	t.Parallel() // its cases run in parallel with everything else
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reused=%v", reuse), func(t *testing.T) {
			e := newAccEnv(t)
			e.emulatorOnly()
			var seatID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					_, by := e.requests()
					if by["DELETE /v1/customer-seats/{seat_id}"] != 0 || by["POST /v1/customer-seats"] != 0 {
						return fmt.Errorf("destroy wrote to Polar: %v", by)
					}
					if reuse {
						if s, _ := e.list(e.sub()).Find(seatID); s.Status != polar.SeatStatusPending || derefStr(s.Email) != "other@acme.io" {
							return fmt.Errorf("the other recipient's seat changed: %+v", s)
						}
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config: e.emailSeat("mine@acme.io"),
					Check: resource.ComposeTestCheckFunc(captureAttr(seatAddr, "id", &seatID), func(*terraform.State) error {
						ctx := context.Background()
						if _, err := e.client.RevokeSeat(ctx, seatID); err != nil {
							return err
						}
						if reuse {
							if _, err := e.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("other@acme.io")}); err != nil {
								return err
							}
						} else {
							e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 0))
						}
						e.resetRequests()
						return nil
					}),
					ExpectNonEmptyPlan: true, // our seat is gone: planned for re-creation
				}},
			})
		})
	}
}

// Refresh errors say which and what to do; only a 404 removes seats.
func TestAccCustomerSeat_faults_refreshErrors(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	cfg := e.emailSeat("refresh@acme.io")
	var saved *emulator.Fixture
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
		}, {
			PreConfig: func() {
				e.must(e.emulator().SetSeatBasedPricing(emulator.DemoOrganizationID, false))
			},
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: wrapped("Seat-based pricing is not enabled for this organization. Enable it in the Polar dashboard"),
		}, {
			PreConfig: func() {
				e.must(e.emulator().SetSeatBasedPricing(emulator.DemoOrganizationID, true))
				e.fault(http.MethodGet, "/v1/customer-seats", "status", 403, 1, 0)
			},
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: wrapped("Cannot read seat"),
		}, {
			PreConfig: func() {
				saved = e.emulator().State()
				e.must(e.emulator().RevokeToken(e.token))
			},
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: wrapped("Polar rejected the access token: it is missing, invalid, expired or revoked"),
		}, {
			// Token restored: the seat survived every failed refresh, so
			// there is nothing to do (PlanOnly fails on a non-empty plan).
			PreConfig: func() { e.must(e.emulator().Load(saved)) },
			Config:    cfg,
			PlanOnly:  true,
		}},
	})
}

// Ctrl-C during a large apply: every assignment Polar applied is in state,
// and nothing in state is missing from Polar. (Before, seats assigned by
// requests in flight were left out of state.)
func TestAccCustomerSeat_faults_interruptLeavesNoOrphans(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	e := newAccEnv(t)
	e.emulatorOnly()
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, 60))
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
resource "polar_customer_seat" "team" {
  for_each        = toset([for i in range(50) : "p${i}@acme.io"])
  subscription_id = %q
  email           = each.value
}
`, e.subscriptionID)
	writeConfig(t, dir, cfg)
	// Every assignment takes a second, so that many are in flight.
	e.fault(http.MethodPost, "/v1/customer-seats", "delay", 0, 1000, 1000)
	out, state := interruptedApply(t, e, dir, 5, "-parallelism=10")
	assertNoOrphans(t, e, state, 50, out)
}

// interruptedApply runs terraform apply in dir and sends Ctrl-C (SIGINT to
// the process group, as a terminal does) once Polar has received `after`
// assignments. It returns the output and `terraform show -json`.
func interruptedApply(t *testing.T, e *accEnv, dir string, after int, args ...string) (string, []byte) {
	t.Helper()
	tf := terraformCommand(t, "POLAR_SERVER_URL="+e.url, "POLAR_ACCESS_TOKEN="+e.token)
	cmd := tf(dir, append([]string{"apply", "-auto-approve"}, args...)...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, as a shell gives a foreground job: Ctrl-C in a
	// terminal signals the whole group, the provider process included.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, by := e.requests(); by["POST /v1/customer-seats"] >= after {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("apply sent no assignments:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // an interrupted apply exits non-zero
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Fatalf("terraform did not see the interrupt:\n%s", out.String())
	}
	show := tf(dir, "show", "-json")
	show.Args = show.Args[:len(show.Args)-1] // show -json takes no -no-color
	state, err := show.Output()
	if err != nil {
		t.Fatalf("terraform show: %v\n%s", err, out.String())
	}
	return out.String(), state
}

// assertNoOrphans checks, after an interrupted apply of total seats, that
// every seat active at Polar is in state (`terraform show -json`: a seat
// resource's id, or an assignments resource's seats) and the reverse, and
// that the interrupt came in time to prove something.
func assertNoOrphans(t *testing.T, e *accEnv, state []byte, total int, out string) {
	t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Values struct {
						ID    string `json:"id"`
						Seats map[string]struct {
							ID string `json:"id"`
						} `json:"seats"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(state, &doc); err != nil {
		t.Fatal(err)
	}
	inState := map[string]bool{}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Values.Seats == nil {
			inState[r.Values.ID] = true
		}
		for _, s := range r.Values.Seats {
			inState[s.ID] = true
		}
	}
	active := e.activeSeats(e.sub())
	var orphans []string
	for _, s := range active {
		if !inState[s.ID] {
			orphans = append(orphans, derefStr(s.Email))
		}
	}
	if len(orphans) > 0 || len(inState) != len(active) || len(active) == 0 || len(active) == total {
		t.Fatalf("after Ctrl-C: %d seats in Polar, %d in state, orphans %v (an interrupt that assigned none or all %d proves nothing)\n%s",
			len(active), len(inState), orphans, total, out)
	}
	t.Logf("interrupted after %d of %d assignments, 0 orphans", len(active), total)
}

// Terraform asks the provider to stop (Ctrl-C) while an assignment is on its
// way: the request runs to its answer and the seat is recorded in the new
// state, so nothing is orphaned. (Before, the request was cancelled and the
// seat, applied by Polar a moment later, was in Polar but not in state.)
func TestCustomerSeat_faults_stopDuringAssignRecordsTheSeat(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	emu, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var p *protoEnv
	listed := make(chan struct{}, 10)
	proxy := testsupport.Intercept(t, emu)
	proxy.OnRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/customer-seats" {
			if _, err := p.server.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
				t.Error(err)
			}
			select {
			case <-r.Context().Done():
				// The client gave up on a request Polar is applying:
				// Polar finishes it after the client has looked.
				<-listed
			case <-time.After(time.Second):
				// The client still waits for its answer.
			}
			return false
		}
		if r.Method != http.MethodGet {
			return false
		}
		proxy.Record(r).Send(w)
		listed <- struct{}{}
		return true
	})
	p = newProtoEnv(t, proxy.URL, emulator.DemoToken)
	typ := p.resourceType("polar_customer_seat")
	cfg := p.value(typ, map[string]tftypes.Value{
		"subscription_id": tftypes.NewValue(tftypes.String, emulator.DemoSubscriptionID),
		"email":           tftypes.NewValue(tftypes.String, "stop@acme.io"),
		"immediate_claim": tftypes.NewValue(tftypes.Bool, false),
	})
	resp := p.create(context.Background(), "polar_customer_seat", cfg)
	if hasError(resp.Diagnostics) || resp.NewState == nil {
		t.Fatalf("apply after stop: %v", resp.Diagnostics)
	}
	state, err := resp.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := attrs["id"].As(&id); err != nil || id == "" {
		t.Fatalf("no seat id in the new state: %v", state)
	}
	client, _ := polar.NewClient(polar.Config{BaseURL: proxy.URL, Token: emulator.DemoToken})
	list, err := client.ListSeats(context.Background(), polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Seats) != 1 || list.Seats[0].ID != id {
		t.Fatalf("Polar has %+v, state has %s", list.Seats, id)
	}
}
