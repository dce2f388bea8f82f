package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

const cliHeader = "terraform {\n  required_providers {\n    polar = { source = \"polarsource/polar\" }\n  }\n}\n"

// cliWorkspace writes main.tf into a new directory and returns the CLI
// runner for it, pointed at e's emulator.
func (e *accEnv) cliWorkspace(cfg string) (dir string, tf func(args ...string) (string, error)) {
	e.t.Helper()
	run := terraformCLI(e.t, "POLAR_SERVER_URL="+e.url, "POLAR_ACCESS_TOKEN="+e.token)
	dir = e.t.TempDir()
	writeConfig(e.t, dir, cfg)
	return dir, func(args ...string) (string, error) { return run(dir, args...) }
}

// Destroy decides each revoke on a list fetched after that revoke was
// decided: a seat revoked out of band and given to someone else while the
// destroy runs is left alone. (Before, the list cached since the first
// revoke was used, and the newcomer's seat was revoked.)
func TestAccCLI_destroyChecksOwnershipWithAFreshList(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	e := newAccEnv(t)
	e.emulatorOnly()
	_, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "team" {
  for_each        = toset(["alice@acme.io", "dave@acme.io"])
  subscription_id = %q
  email           = each.value
}
`, e.subscriptionID))
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var fired atomic.Bool
	e.onRequest(func(w http.ResponseWriter, r *http.Request, emu http.Handler) bool {
		if r.Method != http.MethodDelete || fired.Swap(true) {
			return false
		}
		// While the first revoke runs, the other seat is revoked out of
		// band and Polar gives its row to carol (done before the emulator
		// applies this revoke, so that the other row is the only one free).
		revoking := strings.TrimPrefix(r.URL.Path, "/v1/customer-seats/")
		for _, s := range e.activeSeats(e.sub()) {
			if s.ID != revoking {
				if _, err := e.client.RevokeSeat(context.Background(), s.ID); err != nil {
					t.Error(err)
				}
			}
		}
		if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("carol@acme.io")}); err != nil {
			t.Error(err)
		}
		emu.ServeHTTP(w, r)
		return true
	})
	out, err := tf("destroy", "-auto-approve", "-refresh=false", "-parallelism=1")
	if err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if !fired.Load() {
		t.Fatal("destroy sent no revoke")
	}
	if err := e.seatHeldBy("carol@acme.io"); err != nil {
		t.Fatalf("%v: destroy revoked a seat that was no longer ours\n%s", err, out)
	}
	if !strings.Contains(out, "it holds someone else now") {
		t.Fatalf("no warning about the seat left alone:\n%s", out)
	}
}

// Plans tell the truth about what apply will do to people.
func TestAccCLI_honestPlans(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	e := newAccEnv(t)
	e.emulatorOnly()
	t.Run("drift is explained in the plan", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		_, tf := e.cliWorkspace(fmt.Sprintf("resource \"polar_customer_seat\" \"a\" {\n  subscription_id = %q\n  email = \"drift@acme.io\"\n}\n", e.subscriptionID))
		if out, err := tf("apply", "-auto-approve"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		seat := e.activeSeats(e.sub())[0]
		if _, err := e.client.RevokeSeat(context.Background(), seat.ID); err != nil {
			t.Fatal(err)
		}
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Warning: Seat "+seat.ID+" was revoked outside Terraform") || !strings.Contains(out, "Plan: 1 to add") {
			t.Fatalf("drift not explained:\n%s", out)
		}
	})
	t.Run("replacing a claimed seat warns", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		dir, tf := e.cliWorkspace(fmt.Sprintf("resource \"polar_customer_seat\" \"a\" {\n  subscription_id = %q\n  email = \"working@acme.io\"\n  immediate_claim = true\n}\n", e.subscriptionID))
		if out, err := tf("apply", "-auto-approve"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		cfg := fmt.Sprintf("resource \"polar_customer_seat\" \"a\" {\n  subscription_id = %q\n  email = \"working@acme.io\"\n  immediate_claim = true\n  metadata = { team = \"b\" }\n}\n", e.subscriptionID)
		writeConfig(t, dir, cfg)
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(out, "takes a working seat away") || !strings.Contains(out, "must be replaced") {
			t.Fatalf("no warning about the claimed seat:\n%s", out)
		}
	})
	t.Run("more seats planned than free warns", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		_, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "team" {
  for_each        = toset([for i in range(20) : "p${i}@acme.io"])
  subscription_id = %q
  email           = each.value
}
`, e.subscriptionID))
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Warning: More seats planned than available") || !wrapped("which has total_seats = 5 and available_seats = 5").MatchString(out) {
			t.Fatalf("no capacity warning:\n%s", out)
		}
	})
	t.Run("a timeout too short for the pace warns with the numbers", func(t *testing.T) {
		t.Parallel()
		e := newAccEnv(t)
		// 100 assignments at 60 requests a minute take at least 99 × 60/59 s.
		_, tf := e.cliWorkspace(fmt.Sprintf(`
provider "polar" {
  requests_per_minute = 60
}
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [for i in range(100) : "p${i}@acme.io"]
  timeouts {
    create = "30s"
  }
}
`, e.subscriptionID))
		out, err := tf("plan")
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		for _, want := range []string{"Warning: timeouts.create is too short for 100 seat writes", "This plan makes 100 seat writes", "At 60 requests per minute",
			"they take at least 1m41s, but timeouts.create is 30s", "or set it to at least 1m41s"} {
			if !wrapped(want).MatchString(out) {
				t.Fatalf("no %q in the plan:\n%s", want, out)
			}
		}
	})
}

// Ctrl-C during a large apply: every assignment Polar applied is in state,
// and nothing in state is missing from Polar. (Before, seats assigned by
// requests in flight were left out of state.)
func TestAccCLI_interruptLeavesNoOrphans(t *testing.T) {
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
